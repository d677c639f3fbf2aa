"""The export's workbook written with XlsxWriter, sheet after sheet, row as it comes.

XlsxWriter's `constant_memory` mode writes each row to the sheet's file as soon as the
next one begins, so 10,000 visits (6.7 million cells) take the memory of one row, not
of the workbook. Its per-cell work is a third of openpyxl's write-only mode
(benchmarks/bench_exports.py); each cell goes to the typed writer directly (`write_string`,
`write_number`…), not through the generic `write`, which guesses the type again.

Cells: `str` (texts over Excel's 32,767 characters are cut and characters XML cannot
carry are dropped, rather than a warning per cell), `int`/`float` as numbers (a number
that is not finite as its text), `bool` as a boolean, `date` as a date shown dd/mm/yyyy
(`datetime` with its time), None as no cell. The temporary files of `constant_memory`
go beside the workbook (the export's own folder), not to the system's temporary folder.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

MAX_TEXT = 32_767  # Excel's limit for the text of a cell
# XML 1.0 cannot carry these (tab, line feed and carriage return it can)
_ILLEGAL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _text(value: str) -> str:
    return value[:MAX_TEXT].translate(_ILLEGAL)


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
            },
        )
        self._header = self._book.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "text_wrap": True, "valign": "top"}
        )
        self._date = self._book.add_format({"num_format": "dd/mm/yyyy"})
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
        for column, title in enumerate(header):
            sheet.write_string(0, column, _text(title), self._header)
        string, number, boolean = sheet.write_string, sheet.write_number, sheet.write_boolean
        when, day, moment = sheet.write_datetime, self._date, self._datetime
        written = 0
        for written, values in enumerate(rows, start=1):
            for column, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    string(written, column, _text(value))
                elif isinstance(value, bool):
                    boolean(written, column, value)
                elif isinstance(value, int | float):
                    if math.isfinite(value):
                        number(written, column, value)
                    else:
                        string(written, column, str(value))
                elif isinstance(value, datetime):
                    when(written, column, value, moment)
                elif isinstance(value, date):
                    when(written, column, value, day)
                else:
                    string(written, column, _text(str(value)))
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
