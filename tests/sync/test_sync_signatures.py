"""Signatures between laptops and in archives: two laptops signing for different
roles never conflict, re-signing on one laptop replaces the signature on the other,
and a visit's archive carries its signatures (drawing, name, date)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fieldvisit.paths import DataDir
from fieldvisit.services import Services, history, signatures, visits
from fieldvisit.sync.archive import export_visit, import_visit
from fieldvisit.sync.conflicts import open_conflicts

Make = Callable[..., Any]
ZIGZAG = [[[0.05, 0.8], [0.2, 0.2], [0.35, 0.8], [0.5, 0.2]], [[0.7, 0.5]]]
LOOP = [[[0.1, 0.5], [0.3, 0.1], [0.5, 0.5], [0.3, 0.9], [0.9, 0.5]]]
SIGNED = datetime(2026, 11, 20, 16, 45, tzinfo=UTC)


def _held(svc: Services, visit_id: str) -> dict[str, tuple[str, Any]]:
    return {
        role.value: (row.name, row.strokes)
        for role, row in signatures.visit_signatures(svc, visit_id).items()
    }


def test_two_laptops_signing_for_different_roles_never_conflict(laptops: Make) -> None:
    first, second = laptops("first"), laptops("second")
    visit = visits.plan_visit(first.svc, "15187", date(2026, 11, 20))
    first.sync()
    second.sync()
    signatures.sign(first.svc, visit.id, "auteur", "Claire Martin", ZIGZAG)
    signatures.sign(second.svc, visit.id, "maire", "Jeanne Dupuis", LOOP)
    for laptop in (first, second, first):
        report = laptop.sync()
        assert report.rejected == [] and report.conflicts == 0
    expected = {"auteur": ("Claire Martin", ZIGZAG), "maire": ("Jeanne Dupuis", LOOP)}
    assert _held(first.svc, visit.id) == _held(second.svc, visit.id) == expected
    assert open_conflicts(first.svc) == [] and open_conflicts(second.svc) == []

    # The maire signs again on the first laptop: the second one gets the new drawing.
    signatures.sign(first.svc, visit.id, "maire", "Jeanne Dupuis-Roche", ZIGZAG)
    first.sync()
    second.sync()
    assert _held(second.svc, visit.id)["maire"] == ("Jeanne Dupuis-Roche", ZIGZAG)
    # Taken off on the second laptop: gone on the first too.
    signatures.remove_signature(second.svc, visit.id, "auteur")
    second.sync()
    first.sync()
    assert set(_held(first.svc, visit.id)) == {"maire"}


def test_an_archive_carries_the_signatures(
    svc: Services, tmp_path: Path, open_services: Make
) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    made = signatures.sign(svc, visit.id, "commandant", "Cne Paul Girard", LOOP, signed_at=SIGNED)
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    other = open_services(DataDir(tmp_path / "other"))
    import_visit(other, archive)
    [(role, held)] = signatures.visit_signatures(other, visit.id).items()
    assert (role.value, held.id, held.name, held.signed_at, held.strokes) == (
        "commandant",
        made.id,
        "Cne Paul Girard",
        SIGNED,
        LOOP,
    )
    assert import_visit(other, archive).created == 0  # twice: nothing duplicated


def test_the_history_of_a_signature_speaks_french(svc: Services) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    made = signatures.sign(svc, visit.id, "maire", "Jeanne Dupuis", LOOP)
    record = history.for_record(svc, "signatures", made.id)
    assert record.record_label == "Maire — Jeanne Dupuis"
    assert {e.field for e in record.entries} == {"name", "signed_at", "strokes"}
