"""Occurrences of a repeatable group between laptops and in archives: two laptops
adding occurrences never conflict, answers to different items of one occurrence merge,
the same item is a conflict as for single answers, an edit wins over a deletion and
brings the occurrence back whole, the archive carries them, the history speaks French."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fieldvisit.paths import DataDir
from fieldvisit.screens.repeats import read_repeat_groups
from fieldvisit.services import Services, answers, history, repeats, visits
from fieldvisit.sync.archive import export_visit, import_visit
from fieldvisit.sync.conflicts import conflict_entries, open_conflicts

Make = Callable[..., Any]
FORM = "test-checklist"  # tests/service_fixtures.py: its repeatable group « locaux »
GROUP = "locaux"


def _both(laptops: Make) -> tuple[Any, Any, str]:
    first, second = laptops("first"), laptops("second")
    visit = visits.plan_visit(first.svc, "15187", date(2026, 11, 20), checklist_form=FORM)
    answers.answer_item(first.svc, visit.id, FORM, "pm_presente", "oui")
    assert first.sync().rejected == []
    second.sync()
    return first, second, visit.id


def _seen(svc: Services, visit_id: str) -> list[tuple[int, dict[str, Any]]]:
    (group,) = read_repeat_groups(svc, visit_id, FORM)
    return [(o.number, o.answers) for o in group.occurrences]


def test_two_laptops_adding_occurrences_offline_never_conflict(laptops: Make) -> None:
    first, second, visit_id = _both(laptops)
    a = repeats.add_occurrence(first.svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(first.svc, a.id, "local_nom", "Poste de la mairie")
    b = repeats.add_occurrence(second.svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(second.svc, b.id, "local_nom", "Annexe")
    for laptop in (first, second, first):
        report = laptop.sync()
        assert report.rejected == [] and report.conflicts == 0
    assert open_conflicts(first.svc) == [] and open_conflicts(second.svc) == []
    # Numbered alike on both laptops (by when each was added, then by id).
    assert _seen(first.svc, visit_id) == _seen(second.svc, visit_id)
    assert sorted(o[1]["local_nom"] for o in _seen(first.svc, visit_id)) == [
        "Annexe",
        "Poste de la mairie",
    ]


def test_different_items_of_one_occurrence_merge_and_the_same_item_conflicts(
    laptops: Make,
) -> None:
    first, second, visit_id = _both(laptops)
    made = repeats.add_occurrence(first.svc, visit_id, FORM, GROUP)
    first.sync()
    second.sync()
    repeats.set_occurrence_answer(first.svc, made.id, "local_nom", "Poste")
    repeats.set_occurrence_answer(second.svc, made.id, "local_etat", "degrade")
    for laptop in (first, second, first):
        assert laptop.sync().conflicts == 0
    for laptop in (first, second):
        assert _seen(laptop.svc, visit_id) == [(1, {"local_nom": "Poste", "local_etat": "degrade"})]
    repeats.set_occurrence_answer(first.svc, made.id, "local_nom", "Poste principal")
    repeats.set_occurrence_answer(second.svc, made.id, "local_nom", "Poste annexe")
    first.sync()
    second.sync()
    [conflict] = open_conflicts(second.svc)
    assert (conflict.table_name, conflict.field_name) == ("occurrence_answers", "value")
    assert {conflict.local_value, conflict.remote_value} == {"Poste principal", "Poste annexe"}


def test_an_answer_edited_while_its_occurrence_is_deleted_brings_it_back_whole(
    laptops: Make,
) -> None:
    first, second, visit_id = _both(laptops)
    made = repeats.add_occurrence(first.svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(first.svc, made.id, "local_nom", "Poste")
    repeats.set_occurrence_answer(first.svc, made.id, "local_etat", "bon")
    first.sync()
    second.sync()
    repeats.delete_occurrence(first.svc, made.id)
    repeats.set_occurrence_answer(second.svc, made.id, "local_etat", "degrade")
    for laptop in (first, second, first, second):
        assert laptop.sync().rejected == []
    for laptop in (first, second):
        assert _seen(laptop.svc, visit_id) == [(1, {"local_nom": "Poste", "local_etat": "degrade"})]
    deletes = [
        e for x in (first, second) for e in conflict_entries(x.svc) if e.conflict_kind == "delete"
    ]
    assert len(deletes) == 1 and deletes[0].table == "repeat_occurrences"


def test_a_deletion_nobody_edited_against_removes_the_occurrence_everywhere(
    laptops: Make,
) -> None:
    first, second, visit_id = _both(laptops)
    gone = repeats.add_occurrence(first.svc, visit_id, FORM, GROUP)
    repeats.set_occurrence_answer(first.svc, gone.id, "local_nom", "Ancien poste")
    first.sync()
    second.sync()
    repeats.delete_occurrence(second.svc, gone.id)
    second.sync()
    first.sync()
    assert _seen(first.svc, visit_id) == [] and _seen(second.svc, visit_id) == []


def test_an_archive_carries_the_occurrences_and_their_answers(
    svc: Services, tmp_path: Path, open_services: Make
) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20), checklist_form=FORM)
    answers.answer_item(svc, visit.id, FORM, "pm_presente", "oui")
    one = repeats.add_occurrence(svc, visit.id, FORM, GROUP)
    two = repeats.add_occurrence(svc, visit.id, FORM, GROUP)
    gone = repeats.add_occurrence(svc, visit.id, FORM, GROUP)
    repeats.set_occurrence_answer(svc, one.id, "local_nom", "Poste")
    repeats.set_occurrence_answer(svc, two.id, "local_etat", "degrade")
    repeats.set_occurrence_answer(svc, two.id, "local_travaux", "Toiture à refaire")
    repeats.delete_occurrence(svc, gone.id)
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    other = open_services(DataDir(tmp_path / "other"))
    import_visit(other, archive)
    assert (
        _seen(other, visit.id)
        == _seen(svc, visit.id)
        == [
            (1, {"local_nom": "Poste"}),
            (2, {"local_etat": "degrade", "local_travaux": "Toiture à refaire"}),
        ]
    )
    (group,) = read_repeat_groups(other, visit.id, FORM)
    assert [o.id for o in group.occurrences] == [one.id, two.id]
    assert import_visit(other, archive).created == 0  # twice: nothing duplicated


def test_the_history_of_an_occurrence_speaks_french(svc: Services) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20), checklist_form=FORM)
    answers.answer_item(svc, visit.id, FORM, "pm_presente", "oui")
    repeats.add_occurrence(svc, visit.id, FORM, GROUP)
    second = repeats.add_occurrence(svc, visit.id, FORM, GROUP)
    answer = repeats.set_occurrence_answer(svc, second.id, "local_etat", "bon")
    svc.clock.now += timedelta(hours=1)  # type: ignore[attr-defined]  # not coalesced
    repeats.set_occurrence_answer(svc, second.id, "local_etat", "degrade")
    record = history.for_record(svc, "occurrence_answers", answer.id)
    assert record.record_label == "Locaux visités n° 2 — État du local"
    assert record.value_labels["value"]["degrade"] == "Dégradé"
    changed = [e for e in record.entries if e.field == "value"]
    assert [(e.old, e.new) for e in changed] == [("bon", "degrade"), (None, "bon")]
    # Restoring the old value goes through the occurrence's own service.
    history.restore(svc, changed[0].id)
    assert _seen(svc, visit.id)[1] == (2, {"local_etat": "bon"})
    repeats.delete_occurrence(svc, second.id)
    gone = history.for_record(svc, "repeat_occurrences", second.id)
    assert gone.record_label == "Locaux visités n° 2"
    assert [e.field for e in gone.entries] == ["deleted_at"]
