"""A streaming .xlsx writer for the export's plain tables: text, numbers, dates.

Why not openpyxl's write-only mode: it builds a cell object and an XML element for every
cell (about 12 µs a cell), and the workbook of 10,000 visits has 6.7 million of them —
minutes on a shared laptop (benchmarks/bench_exports.py: 376 s). The export needs
little of a spreadsheet library: typed cells, one date format, a bold header row,
column widths, a frozen header and an auto-filter. Here each row is one string joined
from the cells' XML and streamed into the zip as it comes, so memory stays that of one
batch. The file follows ECMA-376 (SpreadsheetML) and opens in Excel, LibreOffice and
openpyxl (tests/exports read every workbook back with openpyxl).

Cells: `str` as inline strings (no shared-string table to hold in memory; texts longer
than Excel's 32,767 characters are cut, characters XML cannot carry are dropped),
`int`/`float` as numbers (`bool` as a boolean), `date` as a date serial with the
dd/mm/yyyy format (`datetime` with its time), None as no cell.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_SPACES = " \t\n\r"
_PRESERVE = ' xml:space="preserve"'
MAX_TEXT = 32_767  # Excel's limit for the text of a cell
ROWS_PER_WRITE = 500
EPOCH = date(1899, 12, 30)  # serial 0 of the 1900 date system (after Excel's leap-year bug)
# Style indexes of styles.xml below
DATE_STYLE, HEADER_STYLE, DATETIME_STYLE = 1, 2, 3
# XML 1.0 cannot carry these (tab, line feed and carriage return it can)
_ILLEGAL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDCE6F1"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ROOT_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def clean(xml: str) -> bytes:
    """The XML in UTF-8 without the characters XML 1.0 cannot carry (a bell, a form
    feed…): bytes.translate drops the control bytes in one C pass (a regex search of
    each batch cost a quarter of the export)."""
    if "\ufffe" in xml or "\uffff" in xml:
        xml = xml.replace("\ufffe", "").replace("\uffff", "")
    return xml.encode("utf-8").translate(None, _ILLEGAL_BYTES)


def _other_cell(ref: str, styled: str, value: Any) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{styled}><v>{int(value)}</v></c>'
    if isinstance(value, float):
        if math.isfinite(value):
            return f'<c r="{ref}"{styled}><v>{value!r}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        serial = (value.date() - EPOCH).days + seconds / 86400
        return f'<c r="{ref}" s="{DATETIME_STYLE}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>'
    text = _text(str(value))
    return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _Sheet:
    def __init__(self, name: str, widths: Sequence[float]) -> None:
        self.name = name
        self.widths = list(widths)
        self.rows = 0
        self.letters = [column_letter(n) for n in range(1, len(widths) + 1)]

    def head(self) -> str:
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(self.widths, start=1)
        )
        return (
            f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
            '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    def row(self, values: Sequence[Any], style: int = 0) -> str:
        """One row's XML (the next row of the sheet). Characters XML cannot carry are
        left to `clean()`, run once on many rows."""
        self.rows += 1
        number = str(self.rows)
        cells: list[str] = []
        append = cells.append
        styled = f' s="{style}"' if style else ""
        for letter, value in zip(self.letters, values, strict=False):
            if value is None:
                continue
            kind = value.__class__
            # The common kinds first, by exact class (isinstance chains cost twice as much
            # over 6.7 million cells); subclasses and the rest below.
            if kind is str:
                if len(value) > MAX_TEXT:
                    value = value[:MAX_TEXT]
                if "&" in value or "<" in value or ">" in value:
                    value = escape(value)
                # xml:space only where it matters: 22 bytes less per text cell to encode
                # and compress (150 MB over a workbook of 10,000 visits)
                keep = value and (value[0] in _SPACES or value[-1] in _SPACES)
                append(
                    f'<c r="{letter}{number}"{styled} t="inlineStr"><is>'
                    f"<t{_PRESERVE if keep else ''}>{value}</t></is></c>"
                )
            elif kind is int:
                append(f'<c r="{letter}{number}"{styled}><v>{value}</v></c>')
            elif kind is date:
                append(
                    f'<c r="{letter}{number}" s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>'
                )
            else:
                append(_other_cell(f"{letter}{number}", styled, value))
        return f'<row r="{number}">{"".join(cells)}</row>'

    def tail(self) -> str:
        last = self.letters[-1] if self.letters else "A"
        return f'</sheetData><autoFilter ref="A1:{last}{max(self.rows, 1)}"/></worksheet>'

    @property
    def filter_range(self) -> str:
        last = self.letters[-1] if self.letters else "A"
        quoted = self.name.replace("'", "''")
        return f"'{quoted}'!$A$1:${last}${max(self.rows, 1)}"


class StreamingWorkbook:
    """Sheets written one after the other, each row as it comes; `close()` writes the
    workbook's own parts. A sheet's rows go straight into the zip: nothing of a sheet
    is kept once its rows are written."""

    def __init__(self, path: Path, *, compresslevel: int = 1) -> None:
        # Level 1: the XML compresses to within a few % of level 6, at three times the speed.
        self._zip = zipfile.ZipFile(
            path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )
        self._sheets: list[_Sheet] = []

    def write_sheet(
        self,
        name: str,
        header: Sequence[str],
        widths: Sequence[float],
        rows: Iterable[Sequence[Any]],
    ) -> int:
        """Write a whole sheet: its header row (bold, frozen, filtered), then `rows`;
        return the number of rows written (header not counted)."""
        sheet = _Sheet(name, widths)
        self._sheets.append(sheet)
        number = len(self._sheets)
        with self._zip.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as out:
            out.write(clean(sheet.head() + sheet.row(header, HEADER_STYLE)))
            batch: list[str] = []
            row = sheet.row
            for values in rows:
                batch.append(row(values))
                if len(batch) >= ROWS_PER_WRITE:
                    out.write(clean("".join(batch)))
                    batch.clear()
            out.write(clean("".join(batch) + sheet.tail()))
        return sheet.rows - 1

    def close(self) -> None:
        sheets = self._sheets
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        self._zip.writestr(
            "[Content_Types].xml",
            f"{_HEAD}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        entries = "".join(
            f'<sheet name={quoteattr(sheet.name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in enumerate(sheets, start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            f"{escape(sheet.filter_range)}</definedName>"
            for n, sheet in enumerate(sheets)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{entries}</sheets>'
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}'
            f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.close()

    def abort(self) -> None:
        """Close the file without its workbook parts (the caller removes it)."""
        self._zip.close()
