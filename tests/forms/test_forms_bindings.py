"""Items bound to a field of their visit or interview (forms/bindings.py): `forms check`
names the file and line of a wrong binding; progress counts the field's value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue
from fieldvisit.forms.bindings import INTERVIEW_DATE, INTERVIEW_PERSONS, VISIT_DATE
from fieldvisit.forms.progress import form_progress

SHIPPED = shipped_forms_dir()


def _check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fieldvisit", "forms", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path, name: str, old: str, new: str) -> tuple[Path, int]:
    text = (SHIPPED / name).read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited = text.replace(old, new)
    path = tmp_path / name
    path.write_text(edited, encoding="utf-8")
    line = edited[: edited.index(new)].count("\n") + new.count("\n") + 1
    return path, line


def test_shipped_v3_forms_bind_what_was_typed_twice() -> None:
    catalogue = FormCatalogue.load([SHIPPED])
    assert catalogue.get("visite-centre-bourg", 3).bound_items() == {
        "date_visite": "visit.date",
        "participants_visite": "visit.participants",
        "synthese_visite": "visit.summary",
    }
    assert catalogue.get("entretien-elu", 3).bound_items() == {
        "date_entretien": INTERVIEW_DATE,
        "personnes_rencontrees": INTERVIEW_PERSONS,
    }
    assert catalogue.get("entretien-gendarmerie", 3).bound_items() == {
        "date_entretien": INTERVIEW_DATE
    }
    # Visits pinned to v1 and v2 keep their own items, answered as before.
    for version in (1, 2):
        assert catalogue.get("visite-centre-bourg", version).bound_items() == {}
        assert catalogue.get("entretien-elu", version).bound_items() == {}
    assert _check(SHIPPED).returncode == 0


def test_unknown_field_is_refused_with_its_line(tmp_path: Path) -> None:
    path, line = _copy(
        tmp_path,
        "entretien-gendarmerie.v3.toml",
        'bind = "interview.date"',
        'bind = "interview.dat"',
    )
    result = _check(path)
    assert result.returncode == 2
    assert f"{path}:{line}:" in result.stderr
    assert "« interview.dat » inconnu" in result.stderr


def test_kind_mismatch_is_refused_with_its_line(tmp_path: Path) -> None:
    path, line = _copy(
        tmp_path,
        "visite-centre-bourg.v3.toml",
        'type = "long_text"\nbind = "visit.summary"',
        'type = "date"\nbind = "visit.summary"',
    )
    result = _check(path)
    assert result.returncode == 2
    assert f"{path}:{line}:" in result.stderr
    assert "demande un élément de type long_text ou text, pas date" in result.stderr


def test_a_visit_field_in_an_interview_guide_is_refused(tmp_path: Path) -> None:
    path, line = _copy(
        tmp_path,
        "entretien-gendarmerie.v3.toml",
        'bind = "interview.date"',
        'bind = "visit.date"',
    )
    result = _check(path)
    assert result.returncode == 2
    assert f"{path}:{line}:" in result.stderr
    assert "ne s'applique qu'à un formulaire de nature" in result.stderr


def test_a_field_bound_twice_is_refused(tmp_path: Path) -> None:
    path, _line = _copy(
        tmp_path,
        "visite-centre-bourg.v3.toml",
        'type = "long_text"\nbind = "visit.summary"',
        'type = "long_text"\nbind = "visit.participants"',
    )
    result = _check(path)
    assert result.returncode == 2
    assert "est déjà lié à l'élément « participants_visite »" in result.stderr


def test_a_bound_item_counts_from_its_field_not_from_a_stored_answer() -> None:
    form = FormCatalogue.load([SHIPPED]).get("visite-centre-bourg", 3)
    stale = {"date_visite": "2026-01-01"}  # an answer an older client may have synced
    without = form_progress(form.shape, stale, bound={})
    assert "date_visite" in without.missing_required
    with_date = form_progress(form.shape, {}, bound={VISIT_DATE: "2026-03-12"})
    assert "date_visite" not in with_date.missing_required
    assert with_date.total.answered == without.total.answered + 1
