"""The export's workbook written with XlsxWriter, sheet after sheet, row as it comes.

XlsxWriter's `constant_memory` mode writes each row to the sheet's file as soon as the
next one begins, so 10,000 visits (6.4 million cells) take the memory of one row, not
of the workbook. Each row goes to XlsxWriter in one `write_row` call: its own type
dispatch per cell cost less than ours in front of its typed writers (one Python call per
cell saved, benchmarks/bench_exports.py and docs/PERFORMANCE.md), and dates take the
workbook's default date format instead of a format object passed with each cell. What
XlsxWriter cannot be left to do is done in one pass over the row (`_cells`): texts over
Excel's 32,767 characters are cut and characters XML cannot carry are dropped (rather
than a warning per cell, or XlsxWriter's `_xHHHH_` escapes), a number that is not finite
becomes its text, and a `datetime` is written after the row with its time shown.

Cells: `str`, `int`/`float` as numbers, `bool` as a boolean, `date` as a date shown
dd/mm/yyyy (`datetime` dd/mm/yyyy hh:mm), None and "" as no cell, anything else as its
text. The temporary files of `constant_memory` go beside the workbook (the export's own
folder), not to the system's temporary folder.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

MAX_TEXT = 32_767  # Excel's limit for the text of a cell, in UTF-16 units
# XML 1.0 cannot carry these (tab, line feed and carriage return it can)
_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _text(value: str) -> str:
    if len(value) <= MAX_TEXT // 2 and value.isprintable():
        return value  # most texts: nothing to cut, no control character (C-speed check)
    return _cleaned(value)


def _cleaned(value: str) -> str:
    """Cut to Excel's limit (so that XlsxWriter never has to, which would make
    `write_row` stop at that cell) and drop what XML cannot carry."""
    if len(value) > MAX_TEXT // 2:  # past half the limit, count UTF-16 units
        units = value.encode("utf-16-le")
        if len(units) > 2 * MAX_TEXT:  # a pair cut in two is dropped, not garbled
            value = units[: 2 * MAX_TEXT].decode("utf-16-le", errors="ignore")
    return value.translate(_ILLEGAL)


_AS_IS = frozenset({int, bool, date, type(None)})  # what XlsxWriter's write_row types right


def _cells(values: Sequence[Any]) -> tuple[list[Any], list[tuple[int, datetime]]]:
    """The row as XlsxWriter's `write_row` should get it, and its datetimes (written
    apart, with the date-and-time format); one pass, the common types tested first."""
    cells = list(values)
    timed: list[tuple[int, datetime]] = []
    for column, value in enumerate(cells):
        kind = value.__class__
        if kind is str:
            if len(value) > MAX_TEXT // 2 or not value.isprintable():
                cells[column] = _cleaned(value)
        elif kind in _AS_IS:
            continue
        elif kind is float:
            if not math.isfinite(value):
                cells[column] = str(value)
        elif isinstance(value, datetime):
            timed.append((column, value))
            cells[column] = None
        elif isinstance(value, bool | date):
            continue
        elif isinstance(value, int | float):
            cells[column] = value if math.isfinite(value) else str(value)
        else:
            cells[column] = _text(str(value))
    return cells, timed


class StreamingWorkbook:
    """Sheets written one after the other, each row as it comes; `close()` finishes the
    file (`abort()` leaves it to the caller's temporary-file cleanup)."""

    def __init__(self, path: Path) -> None:
        import xlsxwriter

        self._book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                # Texts stay texts: « 0612… », « =… » and « http… » as typed.
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                # A date cell gets this format from XlsxWriter, no format object per cell.
                "default_date_format": "dd/mm/yyyy",
            },
        )
        self._header = self._book.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "valign": "top"}
        )
        self._datetime = self._book.add_format({"num_format": "dd/mm/yyyy hh:mm"})

    def write_sheet(
        self,
        name: str,
        header: Sequence[str],
        widths: Sequence[float],
        rows: Iterable[Sequence[Any]],
    ) -> int:
        """Write a whole sheet: its header row (bold, frozen, filtered), then `rows`;
        return the number of rows written (header not counted)."""
        sheet = self._book.add_worksheet(name)
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, [_text(title) for title in header], self._header)
        write_row, when, moment = sheet.write_row, sheet.write_datetime, self._datetime
        written = 0
        for written, values in enumerate(rows, start=1):
            cells, timed = _cells(values)
            write_row(written, 0, cells)
            for column, value in timed:  # same row: XlsxWriter has not flushed it yet
                when(written, column, value, moment)
        sheet.autofilter(0, 0, written, max(len(header) - 1, 0))
        return written

    def close(self) -> None:
        self._book.close()

    def abort(self) -> None:
        """Give up the workbook: its temporary row files are removed with it."""
        for sheet in self._book.worksheets():
            handle = getattr(sheet, "row_data_fh", None)
            if handle is not None:
                handle.close()
            name = getattr(sheet, "row_data_filename", None)
            if name:
                Path(name).unlink(missing_ok=True)
