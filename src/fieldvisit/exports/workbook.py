"""The spreadsheet export: one .xlsx workbook of the five tables, or one CSV per table.

    write_workbook(svc, Path("visites.xlsx"), ExportScope(internal=False))
    write_csv_folder(svc, Path("export/"), ExportScope())

The workbook is written by XlsxWriter in its constant-memory mode (xlsx_sheets.py): rows
go to the file as they come from the store (tables.py streams them), so 10,000 visits
take the memory of one batch, not of the whole workbook (benchmarks/bench_exports.py).
Each sheet has its
header row frozen and an auto-filter over its columns; dates are real dates (shown
dd/mm/yyyy), numbers real numbers, so that sorting and filtering work in Excel and
LibreOffice.

CSV: `;`-separated and UTF-8 with a byte-order mark. Excel in France reads a CSV with
the system's list separator, which is `;` there (`,` is the decimal mark), and takes a
file without a BOM for the ANSI code page, which garbles every accent; with both, a
double click opens the table right. Dates are ISO (2026-03-12), which Excel and
LibreOffice recognise whatever the locale; decimals use a comma, as a French Excel
expects.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import IO

from fieldvisit.core.files import FORCE_HINT, export_output
from fieldvisit.exports.tables import Cell, ExportScope, Row, Table, export_tables
from fieldvisit.services.context import Services

Progress = Callable[[int, int], None]  # (rows written, rows in all)
PROGRESS_EVERY = 500  # rows between two progress calls
CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"  # UTF-8 with a BOM: see the module docstring


def write_workbook(
    svc: Services,
    target: Path,
    scope: ExportScope,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    hint: str = FORCE_HINT,
) -> dict[str, int]:
    """Write the workbook to `target` (whole or not at all, see output.py); return
    {sheet: rows written}."""
    tables = export_tables(svc, scope)
    with export_output(target, kind="Excel (.xlsx)", overwrite=overwrite, hint=hint) as tmp:
        counts = _write_xlsx(tables, tmp, progress)
    return counts


def write_csv_folder(
    svc: Services,
    folder: Path,
    scope: ExportScope,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    hint: str = FORCE_HINT,
) -> list[Path]:
    """One `<table>.csv` per table in `folder` (made if missing); the files written.

    Each file is written whole or not at all; every target is checked before the first
    is written, so that an existing file stops the export before it starts."""
    from fieldvisit.core.errors import BadInput

    tables = export_tables(svc, scope)
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"{folder} n'est pas un dossier : indiquez le dossier où écrire les CSV.")
    targets = [folder / f"{table.filename}.csv" for table in tables]
    if not overwrite:
        for target in targets:
            if target.exists():
                raise BadInput(
                    f"Le fichier {target} existe déjà : {hint}, ou choisissez un autre dossier."
                )
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as err:
            from fieldvisit.core.files import os_reason

            raise BadInput(
                f"Impossible de créer le dossier {folder} ({os_reason(err)}) : choisissez un "
                "autre emplacement."
            ) from err
    meter = _Meter(tables, progress)
    for table, target in zip(tables, targets, strict=True):
        with (
            export_output(target, kind="CSV", overwrite=True) as tmp,
            tmp.open("w", encoding=CSV_ENCODING, newline="") as out,
        ):
            _write_csv(table, out, meter)
    meter.finish()
    return targets


class _Meter:
    """Counts rows written and reports progress every PROGRESS_EVERY rows."""

    def __init__(self, tables: Sequence[Table], progress: Progress | None) -> None:
        self.progress = progress
        self.done = 0
        self.total = sum(table.count() for table in tables) if progress else 0
        if progress is not None:
            progress(0, self.total)

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None and self.done % PROGRESS_EVERY == 0:
            self.progress(min(self.done, self.total), max(self.total, self.done))

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(max(self.total, self.done), max(self.total, self.done))


def _write_xlsx(tables: Sequence[Table], path: Path, progress: Progress | None) -> dict[str, int]:
    from fieldvisit.exports.xlsx_sheets import StreamingWorkbook

    meter = _Meter(tables, progress)
    counts: dict[str, int] = {}
    book = StreamingWorkbook(path)
    try:
        for table in tables:
            counts[table.sheet] = book.write_sheet(
                table.sheet,
                [column.title for column in table.columns],
                [column.width for column in table.columns],
                _ticking(table.rows(), meter),
            )
    except BaseException:
        book.abort()  # export_output removes the temporary file
        raise
    book.close()
    meter.finish()
    return counts


def _ticking(rows: Iterator[Row], meter: _Meter) -> Iterator[Row]:
    for row in rows:
        yield row
        meter.tick()


def _write_csv(table: Table, out: IO[str], meter: _Meter) -> None:
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([column.title for column in table.columns])
    for row in table.rows():
        # texts (most cells) as they are: csv_text is called for the others only
        writer.writerow([v if v.__class__ is str else csv_text(v) for v in row])
        meter.tick()


def csv_text(value: Cell) -> str:
    """A cell as CSV text: ISO dates, decimal commas, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return str(value)
