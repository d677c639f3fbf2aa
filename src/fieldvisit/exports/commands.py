"""`fieldvisit export …`, registered by cli.py.

    fieldvisit export xlsx -o FICHIER.xlsx [--internal] [--commune CODE …] [--force]
    fieldvisit export csv -o DOSSIER [--internal] [--commune CODE …] [--force]
    fieldvisit export ics -o FICHIER.ics [--commune CODE …] [--force]

Nothing heavy is imported to build the parser: openpyxl and icalendar load when a
command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fieldvisit.core.argparse_fr import Commands
from fieldvisit.core.errors import BadInput

_T = TypeVar("_T")

EXIT_OK = 0


def register(commands: Commands) -> None:
    export = commands.add_parser(
        "export",
        help="exporte les visites : classeur Excel, CSV, agenda des visites planifiées",
        description=(
            "Exporte les visites de ce poste (celles des territoires de l'utilisateur). "
            "Sans --internal, les éléments confidentiels ou réservés aux services sont "
            "retirés, comme dans le rapport partageable."
        ),
    )
    export_cmd = export.add_subparsers(dest="export_command", required=True, metavar="FORMAT")
    xlsx = export_cmd.add_parser(
        "xlsx",
        help="un classeur : Visites, Réponses, Observations, Entretiens, Diagnostic, Actions",
    )
    _common(xlsx, "FICHIER.xlsx", internal=True)
    xlsx.set_defaults(handler=cmd_export_xlsx)
    csv = export_cmd.add_parser("csv", help="un fichier CSV par tableau, dans un dossier")
    _common(csv, "DOSSIER", internal=True)
    csv.set_defaults(handler=cmd_export_csv)
    ics = export_cmd.add_parser(
        "ics", help="les visites planifiées en agenda (.ics : Outlook, Thunderbird)"
    )
    _common(ics, "FICHIER.ics", internal=False)
    ics.set_defaults(handler=cmd_export_ics)


def _common(parser: argparse.ArgumentParser, target: str, *, internal: bool) -> None:
    parser.add_argument("-o", "--output", type=Path, metavar=target, help="où écrire")
    if internal:
        parser.add_argument(
            "--internal",
            action="store_true",
            help="avec les éléments confidentiels et réservés aux services (diffusion restreinte)",
        )
    parser.add_argument(
        "--commune",
        nargs="+",
        action="extend",
        default=[],
        metavar="CODE",
        help="seulement ces communes (codes INSEE)",
    )
    parser.add_argument("--force", action="store_true", help="remplace un fichier existant")


def _scope(args: argparse.Namespace) -> Any:
    from fieldvisit.exports.tables import ExportScope

    for code in args.commune:
        if not (len(code) == 5 and code[:2].isalnum() and code[2:].isdigit()):
            raise BadInput(f"Code INSEE invalide : « {code} » (5 caractères, par exemple 15187).")
    return ExportScope.of(getattr(args, "internal", False), args.commune)


def _output(args: argparse.Namespace, example: str, suffix: str | None) -> Path:
    if args.output is None:  # checked here, not by argparse: its message is English
        raise BadInput(f"Indiquez où écrire avec -o (par exemple -o {example}).")
    path: Path = args.output
    if suffix is not None:
        if path.is_dir():
            raise BadInput(
                f"{path} est un dossier : donnez un nom de fichier, par exemple {path / example}."
            )
        if path.suffix.lower() != suffix:
            raise BadInput(f"{path} : le fichier doit se terminer par {suffix} ({example}).")
    return path


def _written(args: argparse.Namespace, write: Callable[[Any], _T]) -> _T:
    """Run `write(services)` on the data folder's store, closed whatever happens."""
    from fieldvisit.paths import resolve_data_dir
    from fieldvisit.services import Services

    svc = Services.open(resolve_data_dir(args.data_dir))
    try:
        return write(svc)
    finally:
        svc.close()


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from fieldvisit.exports.workbook import write_workbook

    scope = _scope(args)
    output = _output(args, "visites.xlsx", ".xlsx")
    counts = _written(args, lambda svc: write_workbook(svc, output, scope, overwrite=args.force))
    rows = ", ".join(f"{sheet} {count}" for sheet, count in counts.items())
    print(f"Classeur écrit : {output} ({rows} lignes).", file=sys.stderr)
    return EXIT_OK


def cmd_export_csv(args: argparse.Namespace) -> int:
    from fieldvisit.exports.workbook import write_csv_folder

    scope = _scope(args)
    output = _output(args, "export-csv", None)
    written = _written(args, lambda svc: write_csv_folder(svc, output, scope, overwrite=args.force))
    print(f"{len(written)} fichiers CSV écrits dans {output}.", file=sys.stderr)
    return EXIT_OK


def cmd_export_ics(args: argparse.Namespace) -> int:
    from fieldvisit.exports.calendar import write_calendar

    scope = _scope(args)
    output = _output(args, "visites.ics", ".ics")
    count = _written(args, lambda svc: write_calendar(svc, output, scope, overwrite=args.force))
    print(f"Agenda écrit : {output} ({count} visite(s) planifiée(s)).", file=sys.stderr)
    return EXIT_OK
