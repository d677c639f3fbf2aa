"""Fixtures for form-definition tests: write TOML files under tmp_path, never in the repo."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

HEADER = """\
id = "essai"
version = 1
title = "Formulaire d'essai"
kind = "checklist"
"""

SECTION = """
[[sections]]
id = "s1"
title = "Section 1"
"""


@pytest.fixture
def write_form(tmp_path: Path) -> Callable[..., Path]:
    """write_form(body, name=..., header=True): a TOML file made of HEADER + body."""

    def write(body: str, name: str = "essai.v1.toml", header: bool = True) -> Path:
        text = (HEADER if header else "") + textwrap.dedent(body)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line of `path` containing `needle`."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def find_line() -> Callable[..., int]:
    return line_of


Cells = list[object]


@pytest.fixture
def write_xlsform(tmp_path: Path) -> Callable[..., Path]:
    """write_xlsform(survey, choices=None, settings=None, name=...): an .xlsx made with
    openpyxl, each sheet given as rows (the header first), as ODK and Kobo lay them out."""
    import openpyxl

    def write(
        survey: list[Cells] | None,
        choices: list[Cells] | None = None,
        settings: list[Cells] | None = None,
        name: str = "formulaire.xlsx",
    ) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
            if rows is None:
                continue
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    return write
