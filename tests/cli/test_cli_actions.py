"""`fieldvisit actions list`: the current actions by commune, --overdue, --commune,
--json; a bad commune code is a French message and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from tracking_data import OUTSIDE_TEXT, build_territory


@pytest.fixture
def territory(services, tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_territory(services, tmp_path)


def run(data_dir: DataDir, *args: str) -> int:
    return main(["--data-dir", str(data_dir.root), "actions", "list", *args])


def test_json_lists_current_actions(territory, data_dir: DataDir, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(data_dir, "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 6
    assert OUTSIDE_TEXT not in {r["text"] for r in rows}
    late = {r["id"] for r in rows if r["overdue"]}
    assert late == {territory.late_copy, territory.le_puy_late}
    flour = next(r for r in rows if r["id"] == territory.late_copy)
    assert flour["commune"] == "Saint-Flour" and flour["pvd"] is True
    assert flour["dispositifs"] == ["videoprotection"] and flour["due_date"] == "2026-05-01"


def test_overdue_and_commune(territory, data_dir: DataDir, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(data_dir, "--overdue", "--commune", "43157") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(territory.le_puy_late)
    assert "Le Puy-en-Velay (43157)" in lines[0] and "En retard" in lines[0]
    assert "Patrouilles au marché du samedi" in lines[0]
    assert run(data_dir, "--overdue", "--commune", "15014") == 0
    assert capsys.readouterr().out.strip() == "Aucune action en retard."


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("1518", "Code INSEE invalide : « 1518 »"),
        ("15ABC", "Code INSEE invalide"),
        ("15999", "Commune inconnue : code INSEE « 15999 »"),
    ],
)
def test_bad_commune_code(data_dir: DataDir, capsys, code: str, message: str) -> None:  # type: ignore[no-untyped-def]
    assert run(data_dir, "--commune", code) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
