"""Forms written in XLSForm (ODK, KoboToolbox) converted into fieldvisit forms.

`import_xlsform` reads the workbook (`workbook.py`, openpyxl), converts what has an
equivalent (`convert.py`, conditions through `relevant.py`), checks the result with the
forms loader and writes it as TOML (`toml_text.py`) through a temporary file, so that
a refusal or a failure never leaves a file half-written. What was left out comes back
as notices `FILE:sheet:row: reason (colonne J « constraint »)`; the caller prints them.
A `relevant` left out refuses the import unless asked (`show_always`): the form would
show questions the XLSForm hides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fieldvisit.core.errors import BadInput, FieldvisitError
from fieldvisit.core.files import atomic_output
from fieldvisit.forms.enums import FormKind
from fieldvisit.forms.files import FORM_SUFFIX
from fieldvisit.forms.loader import parse_form
from fieldvisit.forms.xlsform.convert import Conversion, Notice, convert_workbook
from fieldvisit.forms.xlsform.toml_text import form_toml
from fieldvisit.forms.xlsform.workbook import read_workbook

__all__ = ["Conversion", "ImportResult", "Notice", "import_xlsform"]


@dataclass
class ImportResult:
    conversion: Conversion
    output: Path
    text: str


_VERSIONED = re.compile(r"^(?P<id>.*)\.v(?P<version>\d{1,7})$")


def _fallback_id(output: Path) -> str:
    """The form id when the workbook's settings give none: the output's name."""
    match = _VERSIONED.match(output.stem)
    return match.group("id") if match else output.stem


def _fallback_version(output: Path) -> int | None:
    """The version an output named like the shipped forms gives (NAME.v3.toml: 3)."""
    match = _VERSIONED.match(output.stem)
    return int(match.group("version")) if match else None


def check_output(output: Path, force: bool) -> None:
    """Refuse, before any work, an output the command must not write."""
    if output.suffix.lower() != FORM_SUFFIX:
        raise BadInput(
            f"{output} : le formulaire converti doit porter l'extension {FORM_SUFFIX} (le "
            "dossier des formulaires ne lit que ces fichiers)."
        )
    if output.is_dir():
        raise BadInput(f"{output} est un dossier : donnez un nom de fichier {FORM_SUFFIX}.")
    if output.exists() and not force:
        raise BadInput(
            f"{output} existe déjà : rien n'est écrasé. Choisissez un autre nom ou ajoutez "
            "--force pour le remplacer."
        )


def import_xlsform(
    source: Path,
    output: Path,
    *,
    force: bool = False,
    kind: FormKind = FormKind.checklist,
    strict: bool = False,
    show_always: bool = False,
) -> ImportResult:
    """Convert the XLSForm `source` into the fieldvisit form file `output`.

    BadInput (nothing written) for a file that is not an XLSForm workbook, an output that
    exists (unless `force`) or cannot be written, a `relevant` with no `visible_if`
    equivalent (unless `show_always`: its questions are then always shown), and with
    `strict` for any row left out.
    """
    check_output(output, force)
    book = read_workbook(source)
    conversion = convert_workbook(book, _fallback_id(output), kind, _fallback_version(output))
    if strict and conversion.notices:
        raise BadInput(
            "\n".join(str(n) for n in conversion.notices)
            + f"\n{source} : {len(conversion.notices)} ligne(s) non reprise(s) ; avec --strict "
            "rien n'est écrit."
        )
    lost = conversion.lost_conditions
    if lost and not show_always:
        raise BadInput(
            "\n".join(str(n) for n in conversion.notices)
            + f"\n{source} : {len(lost)} condition(s) (relevant) sans équivalent ; rien n'est "
            "écrit. Réécrivez-les dans le classeur avec ce que fieldvisit comprend (${x} "
            "comparé à une valeur, selected(), and, or, not(), count-selected() ou "
            "string-length() comparés à 0), ou ajoutez --show-always pour convertir quand même, "
            "ces questions toujours affichées."
        )
    comments = [
        f"Converti depuis {source.name} par « fieldvisit forms import-xlsform ».",
        "Relisez les libellés et les conditions (visible_if) avant de l'utiliser.",
    ]
    if conversion.notices:
        comments.append("Non repris (feuille:ligne : raison) :")
        comments += [f"  {n.sheet}:{n.row} : {n.detail}" for n in conversion.notices]
    text = form_toml(conversion.form, comments)
    loaded = parse_form(text, output)
    if loaded.definition is None:  # a converter bug: never write a form the app refuses
        raise FieldvisitError(
            "La conversion a donné un formulaire que fieldvisit refuse :\n"
            + "\n".join(str(p) for p in loaded.problems)
            + "\nSignalez-le avec le fichier XLSForm."
        )
    # Not named *.toml meanwhile: the app would read a half-written form from its folder.
    with atomic_output(output, kind="TOML", prefix=".xlsform-", suffix=".part") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return ImportResult(conversion, output, text)
