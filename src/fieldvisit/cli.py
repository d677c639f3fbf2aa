"""Command line: no sub-command starts the desktop app; sub-commands are for scripting.

Exit codes: 0 ok, 1 operation failed, 2 bad usage or bad input. Messages go to stderr
and say what was wrong and what to do.

Every call builds the whole parser, so this module and the modules that register their
commands import little beyond argparse (`fieldvisit --version` stays a bare start); each
command imports what it needs when it runs (tests/cli/test_cli_imports.py guards the
import list of `visits list` and `sync`).
"""

from __future__ import annotations

import sys

from fieldvisit import __version__

# typing.TYPE_CHECKING without importing typing (and the re, functools… it imports):
# `fieldvisit --version` imports nothing else; mypy reads any TYPE_CHECKING as true.
TYPE_CHECKING = False

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from fieldvisit.paths import DataDir

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
ENV_PASSPHRASE_TEXT = "FIELDVISIT_PASSPHRASE (actuelle) et FIELDVISIT_NEW_PASSPHRASE (nouvelle)"


def build_parser() -> argparse.ArgumentParser:
    import argparse
    from pathlib import Path

    from fieldvisit import action_commands, backup_commands
    from fieldvisit.core.argparse_fr import FrenchArgumentParser
    from fieldvisit.exports import commands as export_commands
    from fieldvisit.opendata import commands as opendata_commands
    from fieldvisit.report.commands import add_report_commands
    from fieldvisit.sync import commands as sync_commands

    parser = FrenchArgumentParser(
        prog="fieldvisit",
        description="Visites de terrain « sécurité du quotidien » (Petites Villes de demain).",
    )
    parser.add_argument("--version", action="version", version=f"fieldvisit {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="dossier de données (défaut : FIELDVISIT_DATA_DIR, sinon le dossier utilisateur)",
    )
    # Packaging check (packaging/smoke_test.sh): open the window, show a visit, quit.
    parser.add_argument(
        "--smoke-test", nargs="?", const="", default=None, metavar="PNG", help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE")

    demo = commands.add_parser("demo", help="ajoute des visites de démonstration réalistes")
    demo.set_defaults(handler=cmd_demo)

    communes = commands.add_parser("communes", help="référentiel des communes")
    communes_cmd = communes.add_subparsers(dest="communes_command", required=True, metavar="ACTION")
    search = communes_cmd.add_parser("search", help="cherche une commune (nom, code postal, INSEE)")
    search.add_argument("text", nargs="+", metavar="TEXTE")
    search.add_argument("--limit", type=int, default=10)
    search.add_argument("--json", action="store_true")
    search.set_defaults(handler=cmd_communes_search)

    forms = commands.add_parser("forms", help="formulaires")
    forms_cmd = forms.add_subparsers(dest="forms_command", required=True, metavar="ACTION")
    check = forms_cmd.add_parser("check", help="valide des définitions de formulaires")
    check.add_argument("paths", nargs="*", type=Path)
    check.set_defaults(handler=cmd_forms_check)
    forms_cmd.add_parser("list", help="liste les formulaires disponibles").set_defaults(
        handler=cmd_forms_list
    )
    xlsform = forms_cmd.add_parser(
        "import-xlsform", help="convertit un formulaire XLSForm (ODK, KoboToolbox) en TOML"
    )
    xlsform.add_argument(
        "source",
        type=Path,
        metavar="FICHIER.xlsx",
        help="le classeur XLSForm (feuilles survey, choices, settings)",
    )
    xlsform.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="FICHIER.toml",
        help="le formulaire à écrire ; NOM.v2.toml lui donne la version 2 si le classeur "
        "n'en donne pas d'utilisable",
    )
    xlsform.add_argument("--force", action="store_true", help="remplace un fichier existant")
    xlsform.add_argument(
        "--kind",
        choices=["checklist", "interview"],
        default="checklist",
        help="nature du formulaire (défaut : checklist)",
    )
    xlsform.add_argument(
        "--strict",
        action="store_true",
        help="n'écrit rien (code 2) si une ligne ne peut pas être reprise",
    )
    xlsform.add_argument(
        "--show-always",
        action="store_true",
        help="convertit même si une condition (relevant) n'a pas d'équivalent : ses questions "
        "sont alors toujours affichées",
    )
    xlsform.set_defaults(handler=cmd_forms_import_xlsform)

    visits = commands.add_parser("visits", help="visites")
    visits_cmd = visits.add_subparsers(dest="visits_command", required=True, metavar="ACTION")
    vlist = visits_cmd.add_parser("list", help="liste les visites")
    vlist.add_argument("--json", action="store_true")
    vlist.set_defaults(handler=cmd_visits_list)
    export = visits_cmd.add_parser("export", help="exporte une visite et ses pièces jointes")
    export.add_argument("visit_id", metavar="ID")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FICHIER")
    export.set_defaults(handler=cmd_visits_export)
    vimport = visits_cmd.add_parser("import", help="importe une archive de visite")
    vimport.add_argument("archive", type=Path, metavar="FICHIER")
    vimport.set_defaults(handler=cmd_visits_import)
    passphrase = commands.add_parser(
        "passphrase", help="phrase de passe du chiffrement des données de ce dossier"
    )
    passphrase_cmd = passphrase.add_subparsers(
        dest="passphrase_command", required=True, metavar="ACTION"
    )
    passphrase_cmd.add_parser(
        "change",
        help="change la phrase de passe (ou en définit une si la clé est dans le trousseau) ; "
        f"scripts : {ENV_PASSPHRASE_TEXT}",
    ).set_defaults(handler=cmd_passphrase_change)
    # Commands of other packages register themselves here (one line each).
    add_report_commands(commands, forms_cmd)
    sync_commands.register(commands)
    backup_commands.register(commands)
    action_commands.register(commands)
    export_commands.register(commands)
    opendata_commands.register(commands, communes_cmd)
    return parser


def _open_services(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from fieldvisit.services import Services

    return Services.open(_data_dir(args))


def _data_dir(args: argparse.Namespace) -> DataDir:
    from fieldvisit.paths import resolve_data_dir

    return resolve_data_dir(args.data_dir)


def cmd_communes_search(args: argparse.Namespace) -> int:
    import json

    from fieldvisit.core.errors import BadInput
    from fieldvisit.reference import CommuneIndex

    if args.limit < 1:
        raise BadInput("--limit doit être un entier positif.")
    results = CommuneIndex.load().search(" ".join(args.text), limit=args.limit)
    if args.json:
        print(json.dumps([_commune_json(c) for c in results], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not results:
        print(f"Aucune commune ne correspond à « {' '.join(args.text)} ».", file=sys.stderr)
        return EXIT_FAILED
    for c in results:
        postal = ", ".join(c.codes_postaux)
        population = f"{c.population:,} hab.".replace(",", " ") if c.population else "—"
        kind = "" if c.is_current else f"\t{c.kind_name} de {c.chef_lieu}"
        print(
            f"{c.code}\t{c.nom}\t{c.departement} {c.departement_nom}\t{postal}\t{population}{kind}"
        )
    return EXIT_OK


def _commune_json(c: object) -> dict[str, object]:
    from dataclasses import asdict

    return asdict(c)  # type: ignore[call-overload, no-any-return]


def cmd_forms_check(args: argparse.Namespace) -> int:
    from fieldvisit.assets import shipped_forms_dir
    from fieldvisit.forms import check_paths

    paths = args.paths or [shipped_forms_dir()]
    problems = check_paths(paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problème(s) trouvé(s).", file=sys.stderr)
        return EXIT_BAD_INPUT
    print("Formulaires valides.")
    return EXIT_OK


def cmd_forms_list(args: argparse.Namespace) -> int:
    svc = _open_services(args)
    for form in sorted(svc.forms, key=lambda f: (f.kind, f.id, f.version)):
        print(f"{form.id}\tv{form.version}\t{form.kind}\t{form.title}")
    for problem in svc.forms.problems:
        print(f"ignoré : {problem}", file=sys.stderr)
    return EXIT_OK


def cmd_forms_import_xlsform(args: argparse.Namespace) -> int:
    from fieldvisit.forms.enums import FormKind
    from fieldvisit.forms.xlsform import import_xlsform

    result = import_xlsform(
        args.source,
        args.output,
        force=args.force,
        kind=FormKind(args.kind),
        strict=args.strict,
        show_always=args.show_always,
    )
    conversion = result.conversion
    for notice in conversion.notices:
        print(notice, file=sys.stderr)
    for remark in conversion.remarks:
        print(f"{args.source} : {remark}", file=sys.stderr)
    if conversion.notices:
        print(
            f"{len(conversion.notices)} ligne(s) non reprise(s) ou reprise(s) en partie "
            "(détail ci-dessus et en tête du fichier).",
            file=sys.stderr,
        )
    form = conversion.form
    repeats = sum(1 for s in form["sections"] if s.get("repeat"))
    print(
        f"Formulaire « {form['title']} » ({form['id']}, version {form['version']}) écrit dans "
        f"{result.output} : {len(form['sections'])} section(s) dont {repeats} répétable(s), "
        f"{conversion.item_count} élément(s)."
    )
    return EXIT_OK


def cmd_visits_list(args: argparse.Namespace) -> int:
    import json

    from fieldvisit.core.dates import day_text
    from fieldvisit.security.keysource import default_key_source
    from fieldvisit.services.visit_list import read_every_visit

    # Through the driver when the data dir needs nothing done first (no SQLAlchemy
    # import: services/visit_list.py); else the store is opened the full way (created,
    # encrypted, migrated), with the same key source: the passphrase is asked once.
    data_dir, keys = _data_dir(args), default_key_source()
    rows = read_every_visit(data_dir, keys)
    if rows is None:
        from fieldvisit.services import Services
        from fieldvisit.services.listing import list_visits

        rows = list_visits(Services.open(data_dir, keys=keys))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "commune_code": r.commune_code,
                        "commune": r.commune_name,
                        "departement": r.departement,
                        "date": r.visit_date.isoformat(),
                        "type": str(r.visit_type),
                        "status": str(r.status),
                        "author": r.author,
                        "answered": r.answered,
                        "items": r.total,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    if not rows:
        print("Aucune visite. Créez-en une dans l'application ou lancez « fieldvisit demo ».")
        return EXIT_OK
    for r in rows:
        print(
            f"{r.id}\t{day_text(r.visit_date)}\t{r.commune_name} ({r.departement})\t"
            f"{r.visit_type.label}\t{r.status.label}\t{r.answered}/{r.total}"
        )
    return EXIT_OK


def cmd_visits_export(args: argparse.Namespace) -> int:
    from fieldvisit.sync.archive import export_visit

    svc = _open_services(args)
    path = export_visit(svc, args.visit_id, args.output)
    print(f"Visite exportée dans {path}", file=sys.stderr)
    return EXIT_OK


def cmd_visits_import(args: argparse.Namespace) -> int:
    from fieldvisit.sync.archive import import_visit

    svc = _open_services(args)
    result = import_visit(svc, args.archive)
    print(result.describe(), file=sys.stderr)
    return EXIT_OK


def cmd_passphrase_change(args: argparse.Namespace) -> int:
    from fieldvisit.security.keysource import default_key_source
    from fieldvisit.store import open_store

    source = default_key_source()
    store = open_store(_data_dir(args), keys=source)
    try:
        replaced = store.change_passphrase(source=source)
    finally:
        store.close()
    if replaced:
        print(
            "Phrase de passe changée : l'ancienne n'ouvre plus ce dossier de données.",
            file=sys.stderr,
        )
    else:
        print(
            "Phrase de passe définie : elle ouvre ce dossier de données là où la clé du "
            "trousseau du système n'est pas disponible (la clé reste aussi dans le trousseau).",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldvisit.demo.seed import seed_demo

    svc = _open_services(args)
    created = seed_demo(svc)
    print(f"{created} visite(s) de démonstration ajoutée(s).", file=sys.stderr)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    if args.smoke_test is not None:
        from pathlib import Path

        from fieldvisit.ui.shell.smoke import run_smoke_test

        return run_smoke_test(_data_dir(args), Path(args.smoke_test) if args.smoke_test else None)
    from fieldvisit.ui.shell.app import run_app

    return run_app(_data_dir(args))


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments == ["--version"]:
        # What argparse's version action does (print, exit 0), without building the
        # parser, which imports every command's module: a bare start
        # (tests/cli/test_cli_imports.py).
        print(f"fieldvisit {__version__}")
        raise SystemExit(EXIT_OK)
    return _run(arguments)


def _run(argv: list[str]) -> int:
    import errno

    from fieldvisit import backup_commands
    from fieldvisit.core.errors import BadInput, FieldvisitError

    args = build_parser().parse_args(argv)
    from fieldvisit.logs import enable_crash_traces  # after --version and --help

    enable_crash_traces()  # a crash in a C library leaves a trace in the log folder
    handler = getattr(args, "handler", cmd_gui)
    try:
        return handler(args)
    except BadInput as err:
        print(f"fieldvisit : {err}", file=sys.stderr)
        if hint := backup_commands.recovery_hint(err, args):
            print(hint, file=sys.stderr)
        return EXIT_BAD_INPUT
    except FieldvisitError as err:
        print(f"fieldvisit : {err}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as err:
        if err.errno != errno.ENOSPC:
            raise
        print(
            "fieldvisit : le disque est plein : l'opération n'a pas pu aller au bout et rien "
            "n'a été enregistré à moitié. Libérez de la place puis recommencez.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
