"""Every operation reports what it changed (store/changes.py), recorded from the ORM."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from fieldvisit.core.domain import ContactRole
from fieldvisit.core.errors import BadInput
from fieldvisit.services import Services, answers, contacts, interviews, notes, visits
from fieldvisit.store.changes import VISIT_TABLES, Changes
from fieldvisit.store.models import Visit

CHECKLIST = "visite-centre-bourg"


def changes_of(svc: Services, operation: Callable[[], Any]) -> Changes:
    with svc.store.changes.recording() as sink:
        try:
            operation()
        finally:
            changes = sink.changes
    return changes


@pytest.fixture
def two_visits(services: Services) -> tuple[str, str]:
    first = visits.plan_visit(services, "15187", date(2026, 3, 12)).id
    second = visits.plan_visit(services, "52269", date(2026, 3, 13)).id
    return first, second


def test_an_edit_reports_its_table_and_its_visit_only(
    services: Services, two_visits: tuple[str, str]
) -> None:
    first, second = two_visits
    changes = changes_of(
        services, lambda: answers.answer_item(services, first, CHECKLIST, "angles_morts", "oui")
    )
    assert changes.records == {("answers", first)}
    assert changes.touches(first, {"answers"}) and not changes.touches(second, {"answers"})
    assert not changes.touches(first, {"quick_notes", "visits"})
    assert changes.touches(None, {"answers"})  # a screen of every visit (the list)


def test_a_record_of_an_interview_belongs_to_the_interviews_visit(
    services: Services, two_visits: tuple[str, str]
) -> None:
    first, _second = two_visits
    interview = interviews.record_interview(services, first, "entretien-elu", title="Maire")
    person = contacts.add_contact(services, "Jeanne Roux", ContactRole.MAIRE, "Mairie")
    changes = changes_of(
        services, lambda: interviews.add_interviewee(services, interview.id, person.id)
    )
    assert changes.records == {("interviewees", first)}
    changes = changes_of(
        services,
        lambda: interviews.answer_interview_item(services, interview.id, "atteintes_elus", "oui"),
    )
    assert changes.records == {("interview_answers", first)}


def test_a_contact_belongs_to_no_one_visit(services: Services, two_visits: tuple[str, str]) -> None:
    first, second = two_visits
    person = contacts.add_contact(services, "Jeanne Roux", ContactRole.MAIRE, "Mairie")
    changes = changes_of(
        services, lambda: contacts.update_contact(services, person.id, name="Jeanne Roux-Petit")
    )
    assert changes.records == {("contacts", None)}
    assert changes.touches(first, {"contacts"}) and changes.touches(second, {"contacts"})
    assert changes.visits == frozenset()


def test_one_operation_reports_all_it_changed(
    services: Services, two_visits: tuple[str, str]
) -> None:
    """Moving a note onto an item: the item's comment and the note, in two sessions."""
    first, _second = two_visits
    note = notes.add_quick_note(services, first, "Lampadaire éteint rue Haute")
    changes = changes_of(
        services, lambda: notes.move_note_to_item(services, note.id, CHECKLIST, "angles_morts")
    )
    assert changes.records == {("answers", first), ("quick_notes", first)}


def test_what_is_rolled_back_or_only_read_is_not_reported(
    services: Services, two_visits: tuple[str, str]
) -> None:
    first, _second = two_visits

    def fails_after_a_flush() -> None:
        with services.store.transaction() as session:
            visit = session.get(Visit, first)
            assert visit is not None
            visit.summary = "jamais écrit"
            session.flush()  # written in the transaction, then rolled back
            raise BadInput("refusé")

    def refused() -> None:
        answers.answer_item(services, first, CHECKLIST, "commerces_actifs", -3)

    for failing in (fails_after_a_flush, refused):
        with services.store.changes.recording() as sink, pytest.raises(BadInput):
            failing()
        assert not sink.changes, failing
    assert visits.get_visit(services, first).summary == ""
    read = changes_of(services, lambda: visits.get_visit(services, first))
    assert read == Changes() and not read


def test_a_commit_of_another_thread_is_not_reported_here(
    services: Services, two_visits: tuple[str, str]
) -> None:
    """A sync round runs on its own thread and reports its changes itself."""
    first, second = two_visits

    def elsewhere() -> None:
        thread = threading.Thread(
            target=lambda: visits.update_visit(services, second, summary="Ailleurs")
        )
        thread.start()
        thread.join()
        visits.update_visit(services, first, summary="Ici")

    assert changes_of(services, elsewhere).records == {("visits", first)}


def test_nested_recordings_and_joined_changes(
    services: Services, two_visits: tuple[str, str]
) -> None:
    first, second = two_visits
    recorder = services.store.changes
    with recorder.recording() as outer:
        visits.update_visit(services, first, summary="Un")
        with recorder.recording() as inner:
            visits.update_visit(services, second, summary="Deux")
    assert inner.changes.records == {("visits", second)}
    assert outer.changes.records == {("visits", first), ("visits", second)}
    joined = inner.changes | Changes.everything()
    assert joined.all and joined.touches("any visit", {"quick_notes"})
    whole = Changes.whole_visits([first])
    assert whole.tables == VISIT_TABLES and whole.visits == {first}
    assert whole.only(VISIT_TABLES) and not whole.only({"answers"})
