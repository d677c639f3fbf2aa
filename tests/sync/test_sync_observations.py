"""Observations of the walk between laptops and in archives: two laptops adding
observations never conflict, concurrent edits of one observation merge field by field,
and a visit's archive carries its observations with their photos, action and pin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.core.pins import Pin
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, actions, attachments, history, observations, visits
from fieldvisit.sync.archive import export_visit, import_visit
from fieldvisit.sync.conflicts import open_conflicts

Make = Callable[..., Any]


def _both(laptops: Make) -> tuple[Any, Any, str]:
    first, second = laptops("first"), laptops("second")
    visit = visits.plan_visit(first.svc, "15187", date(2026, 11, 20))
    assert first.sync().rejected == []
    second.sync()
    return first, second, visit.id


def _seen(svc: Services, visit_id: str) -> list[tuple[str, str, str]]:
    return [
        (o.category, o.place, o.severity) for o in observations.list_observations(svc, visit_id)
    ]


def test_two_laptops_adding_observations_offline_never_conflict(laptops: Make) -> None:
    first, second, visit_id = _both(laptops)
    observations.add_observation(first.svc, visit_id, "eclairage", "forte", "Rue du Marché")
    observations.add_observation(second.svc, visit_id, "depot_sauvage", place="Parking de la gare")
    observations.add_observation(first.svc, visit_id, "angle_mort", place="Impasse des Tanneurs")
    for laptop in (first, second, first):
        report = laptop.sync()
        assert report.rejected == [] and report.conflicts == 0
    assert open_conflicts(first.svc) == [] and open_conflicts(second.svc) == []
    expected = [
        ("eclairage", "Rue du Marché", "forte"),
        ("depot_sauvage", "Parking de la gare", "moyenne"),
        ("angle_mort", "Impasse des Tanneurs", "moyenne"),
    ]
    # Numbered alike on both laptops (by when each was made, then by id).
    assert _seen(first.svc, visit_id) == _seen(second.svc, visit_id)
    assert sorted(_seen(first.svc, visit_id)) == sorted(expected)


def test_concurrent_edits_of_one_observation_merge_field_by_field(laptops: Make) -> None:
    first, second, visit_id = _both(laptops)
    made = observations.add_observation(first.svc, visit_id, "eclairage", place="Rue du Marché")
    first.sync()
    second.sync()
    observations.update_observation(first.svc, made.id, severity="forte")
    observations.update_observation(second.svc, made.id, place="Rue du Marché, n° 12")
    observations.pin_observation(second.svc, made.id, Pin(0.25, 0.75))
    for laptop in (first, second, first):
        assert laptop.sync().conflicts == 0
    for laptop in (first, second):
        [held] = observations.list_observations(laptop.svc, visit_id)
        assert (held.severity, held.place, held.pin) == (
            "forte",
            "Rue du Marché, n° 12",
            {"x": 0.25, "y": 0.75},
        )


def test_the_same_field_edited_on_both_sides_is_an_open_conflict(laptops: Make) -> None:
    first, second, visit_id = _both(laptops)
    made = observations.add_observation(first.svc, visit_id, "eclairage")
    first.sync()
    second.sync()
    observations.update_observation(first.svc, made.id, category="degradation")
    observations.update_observation(second.svc, made.id, category="commerce")
    first.sync()
    second.sync()
    [conflict] = open_conflicts(second.svc)
    assert (conflict.table_name, conflict.field_name) == ("observations", "category")
    assert {conflict.local_value, conflict.remote_value} == {"degradation", "commerce"}


def test_an_archive_carries_the_observations_photos_action_and_pin(
    svc: Services, photo: Path, tmp_path: Path, open_services: Make
) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    picture = attachments.attach_photo(svc, visit.id, photo)
    made = observations.add_observation(
        svc, visit.id, "camera_existante", "faible", "Mairie", "Caméra dôme", [picture.id]
    )
    action = observations.create_action(svc, made.id)
    observations.pin_observation(svc, made.id, Pin(0.5, 0.125))
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    other = open_services(DataDir(tmp_path / "other"))
    import_visit(other, archive)
    [held] = observations.list_observations(other, visit.id)
    assert (held.id, held.category, held.place, held.comment, held.pin) == (
        made.id,
        "camera_existante",
        "Mairie",
        "Caméra dôme",
        {"x": 0.5, "y": 0.125},
    )
    assert held.action_id == action.id
    [rec] = actions.list_recommendations(other, visit.id)
    assert rec.text == "Caméra existante — Mairie : Caméra dôme"
    [got] = attachments.list_photos(other, visit.id)
    assert got.observation_id == made.id
    assert import_visit(other, archive).created == 0  # twice: nothing duplicated


def test_links_across_visits_and_bad_values_are_refused_in_french(
    svc: Services, photo: Path
) -> None:
    here = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    there = visits.plan_visit(svc, "15187", date(2026, 11, 21))
    their_photo = attachments.attach_photo(svc, there.id, photo)
    their_action = actions.add_recommendation(svc, there.id, "Éclairer le parking")
    with pytest.raises(BadInput, match="autre visite"):
        observations.add_observation(svc, here.id, "eclairage", photo_ids=[their_photo.id])
    assert observations.list_observations(svc, here.id) == []  # nothing half-written
    made = observations.add_observation(svc, here.id, "eclairage")
    with pytest.raises(BadInput, match="autre visite"):
        observations.link_action(svc, made.id, their_action.id)
    with pytest.raises(BadInput, match="catégorie"):
        observations.update_observation(svc, made.id, category="ovni")
    with pytest.raises(BadInput, match="plan"):
        observations.update_observation(svc, made.id, pin={"x": 2, "y": 0})
    with pytest.raises(BadInput, match="300"):
        observations.update_observation(svc, made.id, place="x" * 301)


def test_the_history_of_an_observation_speaks_french(svc: Services) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    made = observations.add_observation(svc, visit.id, "eclairage", place="Rue du Marché")
    svc.clock.now += timedelta(hours=1)  # type: ignore[attr-defined]  # not coalesced
    observations.update_observation(svc, made.id, severity="forte")
    record = history.for_record(svc, "observations", made.id)
    assert record.record_label == "Éclairage — Rue du Marché"
    assert record.value_labels["severity"]["forte"] == "Forte"
    changed = [e for e in record.entries if e.field == "severity"]
    # Newest first: the edit, then the creation.
    assert [(e.old, e.new) for e in changed] == [("moyenne", "forte"), (None, "moyenne")]
    from fieldvisit.services.describe import field_name, table_name

    assert (table_name("observations"), field_name("observations", "severity")) == (
        "Observation",
        "Gravité",
    )
    # Restoring the old value goes through the observation's own service.
    history.restore(svc, changed[0].id)
    [held] = observations.list_observations(svc, visit.id)
    assert held.severity == "moyenne"
