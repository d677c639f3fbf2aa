"""Read the sheets of an XLSForm workbook into plain rows (openpyxl, read-only mode).

Only what the converter needs: each row's number in the sheet (for `FILE:sheet:row`
messages) and its cells by normalised column name. Column names follow pyxform's
conventions: `label::Français (fr)` is the column `label` in the language
`Français (fr)`; `bind::relevant` is `relevant`; headers are not case-sensitive.
Anything that is not a readable .xlsx workbook with a `survey` sheet is a BadInput.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldvisit.core.errors import BadInput

# An XLSForm has some hundreds of rows and weighs some hundreds of kB unzipped; far more
# is not a form (and a zip bomb would only fill the memory).
MAX_ROWS = 20_000
MAX_UNZIPPED_BYTES = 100_000_000
# pyxform's other spellings of the columns the converter reads (after lower case and
# spaces made underscores: `List name` is `list_name`); bind::/control::/media:: forms too.
_ALIASES = {
    "caption": "label",
    "bind::relevant": "relevant",
    "relevance": "relevant",
    "bind::required": "required",
    "bind::constraint": "constraint",
    "bind::calculate": "calculation",
    "calculate": "calculation",
    "bind::readonly": "read_only",
    "readonly": "read_only",
    "control::appearance": "appearance",
    "body::appearance": "appearance",
    "control::jr:count": "repeat_count",
    "jr:count": "repeat_count",
    "count": "repeat_count",
    "bind::jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "bind::jr:requiredmsg": "required_message",
    "requiredmsg": "required_message",
    # settings
    "id_string": "form_id",
    "set_form_id": "form_id",
    "set_form_title": "form_title",
}
# Columns that may come in several languages: `label::English (en)`.
TRANSLATED = frozenset(
    {
        "label",
        "hint",
        "guidance_hint",
        "constraint_message",
        "required_message",
        "image",
        "big-image",
        "audio",
        "video",
    }
)
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"  # OLE2: .xls (Excel 97-2003), which openpyxl cannot read
_ZIP = b"PK"


@dataclass(frozen=True)
class Column:
    """A column header: its name, and its language for translated columns (None: default)."""

    name: str
    language: str | None = None


@dataclass
class Row:
    number: int  # 1-based, as the spreadsheet shows it
    cells: dict[Column, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.cells.get(Column(name), "")

    def translations(self, name: str) -> dict[str | None, str]:
        """{language: text} of a translated column, non-empty texts only."""
        return {c.language: v for c, v in self.cells.items() if c.name == name and v}

    @property
    def is_blank(self) -> bool:
        return not any(self.cells.values())


@dataclass
class Sheet:
    name: str  # as in the workbook
    columns: list[Column]
    rows: list[Row]
    header_row: int = 1
    # Where each column is, for messages: `J « constraint »` (letter, header as written).
    places: dict[Column, str] = field(default_factory=dict)

    def place(self, column: Column) -> str:
        """`J « constraint »`, or the column's name if the sheet has no such column."""
        return self.places.get(column) or f"« {column.name} »"

    def languages(self, name: str) -> list[str | None]:
        """Languages of a translated column, in column order (None: no language)."""
        return [c.language for c in self.columns if c.name == name]


@dataclass
class Workbook:
    path: Path
    survey: Sheet
    choices: Sheet | None
    settings: Sheet | None


def _canonical(name: str) -> str:
    key = "_".join(name.lower().split())
    return _ALIASES.get(key, key)


def column_of(header: str) -> Column:
    """`label::Français (fr)` -> Column("label", "Français (fr)"); `Bind::Relevant` ->
    relevant; `List name` -> list_name; `media::image::French (fr)` -> image in French."""
    text = " ".join(header.split())
    if text.lower().startswith("media::"):
        text = text[len("media::") :]
    key = "_".join(text.lower().split())
    if key in _ALIASES or ":" not in text:
        return Column(_canonical(text))
    base, _, language = text.partition("::" if "::" in text else ":")
    if _canonical(base) in TRANSLATED and language.strip():
        return Column(_canonical(base), language.strip())
    return Column(key)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_sheet(worksheet: Any, name: str, path: Path) -> Sheet:
    """The sheet's header (first non-blank row) and its non-blank rows after it."""
    from openpyxl.utils import get_column_letter

    worksheet.reset_dimensions()  # some writers record wrong dimensions: read everything
    header: list[Column | None] | None = None
    header_row = 1
    places: dict[Column, str] = {}
    rows: list[Row] = []
    for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
        if number > MAX_ROWS:
            raise BadInput(
                f"{path}:{name}: plus de {MAX_ROWS} lignes ; ce n'est pas un formulaire "
                "XLSForm (ou il est à découper)."
            )
        texts = [_text(v) for v in values]
        if header is None:
            if any(texts):
                # Kobo's own columns ($kuid, $autoname…) are bookkeeping: left aside.
                header = [column_of(t) if t and not t.startswith("$") else None for t in texts]
                header_row = number
                for index, (column, text) in enumerate(zip(header, texts, strict=True)):
                    if column is not None and column not in places:
                        places[column] = f"{get_column_letter(index + 1)} « {text} »"
            continue
        row = Row(number)
        for column, text in zip(header, texts, strict=False):
            if column is not None and text and column not in row.cells:
                row.cells[column] = text
        if not row.is_blank:
            rows.append(row)
    columns = [c for c in header or () if c is not None]
    return Sheet(name, columns, rows, header_row, places)


def read_workbook(path: Path) -> Workbook:
    """The survey, choices and settings sheets of the XLSForm at `path`; BadInput if it
    is not a readable .xlsx workbook with a `survey` sheet."""
    try:
        with path.open("rb") as stream:
            magic = stream.read(4)
            stream.seek(0)
            if magic.startswith(_OLD_EXCEL):
                # Excel stores a password-protected .xlsx in the same OLE2 container.
                raise BadInput(
                    f"{path} est un classeur Excel 97-2003 (.xls) ou un classeur protégé par "
                    "un mot de passe, qui ne sont pas lus : enregistrez-le au format .xlsx, "
                    "sans mot de passe, puis recommencez."
                )
            if not magic.startswith(_ZIP):
                raise BadInput(
                    f"{path} n'est pas un classeur Excel (.xlsx) : donnez le fichier XLSForm "
                    "tel qu'ODK ou KoboToolbox l'exportent (format .xlsx)."
                )
            return _read(path, stream)
    except FileNotFoundError:
        raise BadInput(f"{path} : fichier introuvable.") from None
    except IsADirectoryError:
        raise BadInput(f"{path} est un dossier : donnez un fichier .xlsx.") from None
    except PermissionError:
        raise BadInput(f"{path} : lecture refusée (droits du fichier).") from None


def _unzipped_size(stream: Any) -> int:
    """What the workbook's parts weigh once decompressed (0 if it is not a zip)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # openpyxl says what is wrong with it
    finally:
        stream.seek(0)


def _read(path: Path, stream: Any) -> Workbook:
    import openpyxl

    if _unzipped_size(stream) > MAX_UNZIPPED_BYTES:
        raise BadInput(
            f"{path} : décompressé, ce classeur dépasse {MAX_UNZIPPED_BYTES // 1_000_000} Mo ; "
            "ce n'est pas un formulaire XLSForm."
        )
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # damaged zips and XML raise many kinds of errors
        raise BadInput(
            f"{path} n'est pas un classeur .xlsx lisible ({_reason(exc)}) : ouvrez-le dans "
            "un tableur et enregistrez-le au format .xlsx."
        ) from exc
    try:
        by_name = {name.strip().lower(): name for name in book.sheetnames}
        if "survey" not in by_name:
            found = ", ".join(f"« {n} »" for n in book.sheetnames) or "aucune"
            raise BadInput(
                f"{path} : pas de feuille « survey », celle des questions d'un XLSForm "
                f"(feuilles trouvées : {found})."
            )
        sheets: dict[str, Sheet | None] = {}
        for key in ("survey", "choices", "settings"):
            name = by_name.get(key)
            sheets[key] = _read_sheet(book[name], name, path) if name is not None else None
    except BadInput:
        raise
    except Exception as exc:  # a sheet's XML is parsed lazily, while iterating
        raise BadInput(f"{path} : classeur illisible ({_reason(exc)}).") from exc
    finally:
        book.close()
    survey = sheets["survey"]
    assert survey is not None
    if not survey.rows:
        raise BadInput(f"{path}:{survey.name}: la feuille est vide, aucune question à convertir.")
    names = {c.name for c in survey.columns}
    for needed in ("type", "name"):
        if needed not in names:
            raise BadInput(
                f"{path}:{survey.name}:{survey.header_row}: colonne « {needed} » absente "
                f"(en-têtes trouvés : {', '.join(sorted(names))})."
            )
    if "label" not in names:
        raise BadInput(
            f"{path}:{survey.name}:{survey.header_row}: aucune colonne de libellés (« label » ou "
            "« label::Français (fr) »)."
        )
    choices = sheets["choices"]
    if choices is not None and choices.rows:
        headers = {c.name for c in choices.columns}
        for needed in ("list_name", "name"):
            if needed not in headers:
                raise BadInput(
                    f"{path}:{choices.name}:{choices.header_row}: colonne « {needed} » absente "
                    f"(en-têtes trouvés : {', '.join(sorted(headers))}) : aucune liste de choix "
                    "ne peut être lue."
                )
    return Workbook(path, survey, choices, sheets["settings"])


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _reason(exc: Exception) -> str:
    """Why openpyxl could not read the file, in French (its own words are English)."""
    from defusedxml import DefusedXmlException

    if any(isinstance(cause, DefusedXmlException) for cause in _causes(exc)):
        return "il déclare des entités XML, refusées : elles peuvent saturer la mémoire"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "fichier tronqué ou abîmé"
    if isinstance(exc, KeyError):
        return "il lui manque des parties d'un classeur .xlsx : un autre format ?"
    return f"contenu abîmé : {type(exc).__name__}"


LANGUAGE_CODE = re.compile(r"\(([A-Za-z-]+)\)\s*$")
FRENCH_NAMES = frozenset({"fr", "french", "français", "francais", "fr-fr", "fr_fr"})


def is_french(language: str | None) -> bool:
    """`Français (fr)`, `French (fr)`, `fr`, `français`: the language to prefer."""
    if language is None:
        return False
    code = LANGUAGE_CODE.search(language)
    if code:
        return code.group(1).lower().split("-")[0] == "fr"
    return language.strip().lower() in FRENCH_NAMES
