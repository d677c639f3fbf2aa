"""`fieldvisit report …` and `fieldvisit forms print …`, registered by cli.py.

    fieldvisit report ID -o FICHIER.pdf [--shareable] [--logo IMAGE]
    fieldvisit report ID --format docx -o FICHIER.docx [--shareable] [--force]
    fieldvisit report --all-completed -o DOSSIER [--shareable] [--logo IMAGE]
    fieldvisit forms print FORM_ID [--version N] -o FICHIER.pdf

Nothing heavy is imported to build the parser: reportlab loads when a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fieldvisit.core.argparse_fr import Commands
from fieldvisit.core.errors import BadInput

EXIT_OK = 0


def add_report_commands(commands: Commands, forms_cmd: Commands) -> None:
    """Add `report` to the top-level sub-parsers and `print` to those of `forms`."""
    report = commands.add_parser(
        "report",
        help="produit le rapport d'une visite en PDF ou Word (ou de toutes les visites terminées)",
        description=(
            "Produit le rapport de visite en PDF (ou en Word avec --format docx). Version "
            "interne par défaut (diffusion restreinte) ; --shareable retire les informations "
            "confidentielles et celles réservées aux services."
        ),
    )
    report.add_argument(
        "visit_id",
        metavar="ID",
        nargs="?",
        help="identifiant de la visite (ou ses 8 premiers caractères au moins)",
    )
    report.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FICHIER",
        help="fichier PDF à écrire (un dossier avec --all-completed)",
    )
    report.add_argument(
        "--shareable",
        action="store_true",
        help="version partageable, sans les éléments confidentiels",
    )
    report.add_argument(
        "--logo",
        type=Path,
        metavar="IMAGE",
        help="logo de l'organisation (PNG ou JPEG) sur la couverture",
    )
    report.add_argument(
        "--format",
        choices=["pdf", "docx"],
        default="pdf",
        help="pdf (défaut) ou docx : le même rapport en document Word modifiable",
    )
    report.add_argument(
        "--force",
        action="store_true",
        help="remplace un document Word existant (un PDF est toujours remplacé)",
    )
    report.add_argument(
        "--all-completed",
        action="store_true",
        help="un rapport par visite terminée ou au rapport émis, dans le dossier -o",
    )
    report.set_defaults(handler=cmd_report)

    printing = forms_cmd.add_parser(
        "print",
        help="imprime une grille vierge d'un formulaire (PDF à remplir à la main)",
    )
    printing.add_argument("form_id", metavar="FORM_ID")
    printing.add_argument(
        "--version", type=_version_number, help="version du formulaire (défaut : la dernière)"
    )
    printing.add_argument(
        "-o", "--output", type=Path, metavar="FICHIER", help="fichier PDF à écrire"
    )
    printing.set_defaults(handler=cmd_forms_print)


def _version_number(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(
            f"numéro de version attendu (un entier positif), pas « {value} »"
        )
    return number


def _services(args: argparse.Namespace) -> Any:
    from fieldvisit.paths import resolve_data_dir
    from fieldvisit.services import Services

    return Services.open(resolve_data_dir(args.data_dir))


def cmd_report(args: argparse.Namespace) -> int:
    from fieldvisit.report import files

    if args.all_completed and args.visit_id:
        raise BadInput("Donnez soit un identifiant de visite, soit --all-completed, pas les deux.")
    if not args.all_completed and not args.visit_id:
        raise BadInput(
            "Indiquez la visite (fieldvisit report ID -o rapport.pdf) ou --all-completed."
        )
    if args.output is None:  # checked here, not by argparse: its message is English
        raise BadInput(
            "Indiquez où écrire avec -o : un fichier PDF (fieldvisit report ID -o "
            "rapport.pdf), ou un dossier avec --all-completed."
        )
    if args.logo is not None:  # refused before anything is opened or written
        from fieldvisit.report.logo import load_logo

        load_logo(args.logo)
    if args.format == "docx" and args.all_completed:
        raise BadInput("--format docx produit un document à la fois : donnez l'identifiant.")
    svc = _services(args)
    try:
        if args.format == "docx":
            return _word_report(svc, args)
        if args.all_completed:
            if args.output.exists() and not args.output.is_dir():
                raise BadInput(
                    f"{args.output} n'est pas un dossier : avec --all-completed, -o "
                    "désigne le dossier où écrire les rapports."
                )
            written = files.write_all_completed(
                svc,
                args.output,
                shareable=args.shareable,
                on_written=lambda path: print(f"Rapport écrit : {path}", file=sys.stderr),
                logo=args.logo,
            )
            if not written:
                print("Aucune visite terminée : aucun rapport écrit.", file=sys.stderr)
            else:
                print(f"{len(written)} rapport(s) écrit(s) dans {args.output}.", file=sys.stderr)
            return EXIT_OK
        visit_id = files.resolve_visit_id(svc, args.visit_id)
        output = _pdf_path(args.output)
        report = files.write_visit_report(
            svc, visit_id, output, shareable=args.shareable, logo=args.logo
        )
        print(
            f"Rapport {report.variant_label.lower()} de {report.commune_label} écrit : {output}",
            file=sys.stderr,
        )
        return EXIT_OK
    finally:
        svc.close()


def _word_report(svc: Any, args: argparse.Namespace) -> int:
    from fieldvisit.report import files

    visit_id = files.resolve_visit_id(svc, args.visit_id)
    output = args.output
    if output.is_dir():
        raise BadInput(
            f"{output} est un dossier : donnez un nom de fichier, par exemple "
            f"{output / 'rapport.docx'}."
        )
    if output.suffix.lower() != ".docx":
        raise BadInput(f"{output} : un document Word se termine par .docx (rapport.docx).")
    report = files.write_word_report(
        svc, visit_id, output, shareable=args.shareable, overwrite=args.force, logo=args.logo
    )
    print(
        f"Rapport Word {report.variant_label.lower()} de {report.commune_label} écrit : {output}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_forms_print(args: argparse.Namespace) -> int:
    from fieldvisit.report.blank_form import render_blank_form
    from fieldvisit.report.files import atomic_output

    if args.output is None:
        raise BadInput(
            f"Indiquez le fichier PDF à écrire avec -o (fieldvisit forms print {args.form_id} "
            "-o grille.pdf)."
        )
    svc = _services(args)
    try:
        if args.version is None:
            form = svc.forms.latest(args.form_id)
        else:
            form = svc.forms.get(args.form_id, args.version)
        output = _pdf_path(args.output)
        with atomic_output(output) as tmp:
            pages = render_blank_form(form, tmp)
    finally:
        svc.close()
    print(f"Grille vierge « {form.title} » ({pages} pages) écrite : {output}", file=sys.stderr)
    return EXIT_OK


def _pdf_path(path: Path) -> Path:
    if path.is_dir():
        raise BadInput(
            f"{path} est un dossier : donnez un nom de fichier, par exemple {path / 'rapport.pdf'}."
        )
    return path
