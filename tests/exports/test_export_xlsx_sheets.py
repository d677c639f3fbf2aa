"""The workbook writer, opened back with openpyxl: typed cells, the header's style,
widths, frozen header, filter, and texts XML cannot carry as they are."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

from fieldvisit.exports.xlsx_sheets import MAX_TEXT, StreamingWorkbook


def test_cells_read_back_typed(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    book = StreamingWorkbook(target)
    rows = [
        ("Saint-Flour", 4, 2.5, date(2026, 3, 12), None, True),
        ("« Cœur » & <bourg>", -1, float("nan"), datetime(2026, 3, 12, 9, 30), "  espaces ", False),
        ("bip\x07 \x0b fin\nligne", 0, 1e-7, date(1999, 12, 31), "x" * (MAX_TEXT + 10), None),
        ("=SOMME(A1:A2)", "0612345678", "https://exemple.fr", None, None, None),
    ]
    written = book.write_sheet(
        "Réponses d'été",
        ["Texte", "Entier", "Réel", "Date", "Autre", "Oui"],
        [24, 8, 8, 12, 30, 6],
        rows,
    )
    assert book.write_sheet("Vide", ["Seule colonne"], [10], []) == 0
    book.close()
    assert written == 4
    assert zipfile.ZipFile(target).testzip() is None
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # no row files left

    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["Réponses d'été", "Vide"]
    sheet = wb["Réponses d'été"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Texte", "Entier", "Réel", "Date", "Autre", "Oui"]
    assert values[1] == ["Saint-Flour", 4, 2.5, datetime(2026, 3, 12), None, True]
    assert values[2][0] == "« Cœur » & <bourg>" and values[2][2] == "nan"
    assert values[2][3] == datetime(2026, 3, 12, 9, 30) and values[2][4] == "  espaces "
    assert values[3][0] == "bip  fin\nligne"  # the bell and the vertical tab are dropped
    assert values[3][2] == 1e-7 and values[3][3] == datetime(1999, 12, 31)
    assert len(values[3][4]) == MAX_TEXT
    # texts stay texts: no formula, number or link made of what was typed
    assert values[4][:3] == ["=SOMME(A1:A2)", "0612345678", "https://exemple.fr"]
    assert sheet["A5"].data_type == "s" and sheet["B5"].data_type == "s"
    assert sheet["D2"].is_date and sheet["D2"].number_format == "dd/mm/yyyy"
    assert sheet["A1"].font.b and sheet["A1"].fill.fgColor.rgb == "FFDCE6F1"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F5"
    # XlsxWriter stores the width Excel shows plus its cell padding
    assert 24 <= sheet.column_dimensions["A"].width < 25
    empty = wb["Vide"]
    assert empty.auto_filter.ref in ("A1", "A1:A1") and empty["A1"].value == "Seule colonne"


def test_an_aborted_workbook_leaves_no_row_files(tmp_path: Path) -> None:
    book = StreamingWorkbook(tmp_path / "t.xlsx")
    book.write_sheet("Visites", ["Commune"], [20], [("Murat",), ("Allanche",)])
    book.write_sheet("Actions", ["Action"], [20], [("Éclairage",)])
    book.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_text_past_excels_limit_is_cut_and_the_rest_of_its_row_kept(tmp_path: Path) -> None:
    """Excel counts a cell's limit in UTF-16 units: a text of emoji (two units each)
    under 32,767 characters can still be over it. It is cut there, and the cells after
    it in the same row are written all the same (XlsxWriter's `write_row` would stop at
    a cell it had to cut)."""
    target = tmp_path / "t.xlsx"
    book = StreamingWorkbook(target)
    emoji = "🚧" * 20_000  # 20,000 characters, 40,000 UTF-16 units
    book.write_sheet(
        "Réponses",
        ["Texte", "Après", "Date", "Moment", "Vide"],
        [20, 10, 12, 16, 8],
        [(emoji, 7, date(2026, 3, 12), datetime(2026, 3, 12, 9, 30), "")],
    )
    book.close()
    sheet = openpyxl.load_workbook(target)["Réponses"]
    text = sheet["A2"].value
    assert set(text) == {"🚧"} and len(text.encode("utf-16-le")) // 2 == MAX_TEXT - 1
    assert sheet["B2"].value == 7
    assert sheet["C2"].value == datetime(2026, 3, 12) and sheet["C2"].number_format == "dd/mm/yyyy"
    assert sheet["D2"].value == datetime(2026, 3, 12, 9, 30)
    assert sheet["D2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["E2"].value is None  # an empty text is no cell: Excel's « (Vides) » filter
