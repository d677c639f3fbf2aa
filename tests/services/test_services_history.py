"""History of user records: who changed what, when, from which device; restoring.

The clock is injected (`ManualClock`): the 5-minute coalescing window of autosaves is
crossed by moving the clock, never by sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldvisit.core.errors import BadInput
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, actions, answers, deletion, history, visits
from fieldvisit.store.models import Answer, HistoryEntry
from fieldvisit.sync import archive
from fieldvisit.sync.local import sync_state

START = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class ManualClock:
    """Stands still until moved: every write of one step has the same time."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def svc(data_dir: DataDir, test_forms: Path, communes, clock: ManualClock) -> Services:  # type: ignore[no-untyped-def]
    services = Services.open(data_dir, extra_form_dirs=[test_forms], clock=clock)
    services.__dict__["communes"] = communes
    with services.store.transaction() as session:  # this data dir is Claire's
        sync_state(session).username = "claire"
    yield services
    services.close()


@pytest.fixture
def visit(svc: Services):  # type: ignore[no-untyped-def]
    return visits.plan_visit(
        svc,
        "15187",
        date(2026, 11, 20),
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    )


def _remarks(svc: Services, visit_id: str) -> object:
    return answers.visit_answers(svc, visit_id, "test-checklist")["remarques"].value


def _field(svc: Services, visit_id: str, item: str = "remarques") -> history.RecordHistory:
    record_id = history.answer_record_id(visit_id, "test-checklist", item)
    return history.for_field(svc, "answers", record_id, "value")


def test_three_edits_of_an_answer_show_who_when_and_which_device(
    svc: Services, visit, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    typed = ["Éclairage à revoir", "Éclairage à revoir rue des Lacs", "Tags sur la halle"]
    for text in typed:
        clock.advance(minutes=10)
        answers.answer_item(svc, visit.id, "test-checklist", "remarques", text)

    shown = _field(svc, visit.id)
    assert shown.record_label == "Remarques"
    assert [(e.old, e.new) for e in shown.entries] == [
        ("Éclairage à revoir rue des Lacs", "Tags sur la halle"),
        ("Éclairage à revoir", "Éclairage à revoir rue des Lacs"),
        (None, "Éclairage à revoir"),  # the first answer: from nothing
    ]
    assert [e.changed_at for e in shown.entries] == [
        START + timedelta(minutes=30),
        START + timedelta(minutes=20),
        START + timedelta(minutes=10),
    ]
    for entry in shown.entries:
        assert entry.user_name == "claire"
        assert entry.device_id == svc.store.device_id and entry.this_device
        assert entry.origin == "edit" and entry.restorable
    # The record's history has the same entries (no comment was typed).
    record = history.for_record(svc, "answers", shown.record_id)
    assert [e.id for e in record.entries] == [e.id for e in shown.entries]


def test_autosaves_while_typing_are_one_entry_keeping_the_oldest_value(
    svc: Services, visit, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    answers.answer_item(svc, visit.id, "test-checklist", "remarques", "Halle")
    clock.advance(minutes=30)
    text = "Halle taguée, éclairage en panne"
    for length in range(6, len(text) + 1):  # one autosave a second while typing
        clock.advance(seconds=1)
        answers.answer_item(svc, visit.id, "test-checklist", "remarques", text[:length])

    entries = _field(svc, visit.id).entries
    assert [(e.old, e.new) for e in entries] == [("Halle", text), (None, "Halle")]
    assert entries[0].changed_at == clock.now  # the newest save's time


def test_the_window_is_five_minutes_from_the_first_change_of_the_entry(
    svc: Services, visit, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 2)
    clock.advance(minutes=20)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 3)
    clock.advance(minutes=4, seconds=59)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 4)  # joins
    clock.advance(seconds=2)  # 5 min 01 s after the entry began
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 5)  # a new entry

    entries = _field(svc, visit.id, "pm_agents").entries
    assert [(e.old, e.new) for e in entries] == [(4, 5), (2, 4), (None, 2)]


def test_typing_back_the_old_value_leaves_no_entry(
    svc: Services, visit, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui")
    clock.advance(minutes=10)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "non")
    clock.advance(seconds=30)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui")

    entries = _field(svc, visit.id, "pm_presente").entries
    assert [(e.old, e.new) for e in entries] == [(None, "oui")]


def test_restoring_an_old_value_writes_it_back_as_a_pending_change(
    svc: Services, visit, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    for text in ("Première version", "Deuxième version", "Troisième version"):
        clock.advance(minutes=10)
        answers.answer_item(svc, visit.id, "test-checklist", "remarques", text)
    wanted = next(e for e in _field(svc, visit.id).entries if e.old == "Deuxième version")
    shown = _field(svc, visit.id)
    assert shown.can_restore(wanted)

    clock.advance(minutes=1)  # within the window of the last edit: still its own entry
    restored = history.restore(svc, wanted.id)

    assert _remarks(svc, visit.id) == "Deuxième version"
    assert restored.origin == "restore"
    assert (restored.old, restored.new) == ("Troisième version", "Deuxième version")
    assert restored.user_name == "claire" and restored.this_device
    assert restored.changed_at == clock.now
    with svc.store.reading() as session:
        row = session.scalars(select(Answer).where(Answer.item_id == "remarques")).one()
        assert row.pending and row.updated_at == clock.now  # sent at the next sync
    # An edit right after a restore is an entry of its own, not folded into the restore.
    clock.advance(seconds=5)
    answers.answer_item(svc, visit.id, "test-checklist", "remarques", "Quatrième")
    entries = _field(svc, visit.id).entries
    assert [e.origin for e in entries[:2]] == ["edit", "restore"]
    # Restoring a value the field already has would change nothing: refused, clearly.
    fourth = entries[0]
    assert fourth.old == "Deuxième version"
    history.restore(svc, fourth.id)
    assert _remarks(svc, visit.id) == "Deuxième version"
    assert not _field(svc, visit.id).can_restore(fourth)
    with pytest.raises(BadInput, match="déjà cette valeur"):
        history.restore(svc, fourth.id)


def test_restoring_goes_through_the_service_checks(
    svc: Services, visit, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    rec = actions.add_recommendation(svc, visit.id, "Installer la vidéoprotection", priority=1)
    clock.advance(minutes=10)
    actions.update_recommendation(svc, rec.id, priority=3, status="en_cours")

    shown = history.for_record(svc, "recommendations", rec.id)
    assert shown.record_label == "Installer la vidéoprotection"
    assert shown.value_labels["status"]["en_cours"] == "En cours"
    assert shown.value_labels["priority"]["1"].startswith("Priorité 1")
    priority = next(e for e in shown.entries if e.field == "priority" and e.old == 1)
    history.restore(svc, priority.id)
    assert actions.list_recommendations(svc, visit.id)[0].priority == 1

    # The text cannot be emptied, through the history neither.
    text = next(e for e in shown.entries if e.field == "text")
    assert text.old is None
    with pytest.raises(BadInput, match="obligatoire"):
        history.restore(svc, text.id)
    # A deletion shows in the history; a deleted record's values are not restored, the
    # deletion itself is (undone whole, services/deletion.py).
    clock.advance(minutes=10)
    deletion.soft_delete(svc, "recommendation", rec.id)
    deleted = history.for_field(svc, "recommendations", rec.id, "deleted_at").entries[0]
    assert (deleted.old, deleted.new) == (None, clock.now.isoformat(timespec="microseconds"))
    assert deleted.restorable
    with pytest.raises(BadInput, match="supprimé"):
        history.restore(svc, priority.id)
    history.restore(svc, deleted.id)
    assert [r.id for r in actions.list_recommendations(svc, visit.id)] == [rec.id]
    with pytest.raises(BadInput, match="pas supprimé"):
        history.restore(svc, deleted.id)


def test_an_imported_archive_keeps_what_it_overwrote(
    data_dir: DataDir,
    tmp_path: Path,
    svc: Services,
    visit,  # type: ignore[no-untyped-def]
    clock: ManualClock,
    open_services: Callable[[DataDir], Services],
) -> None:
    answers.answer_item(svc, visit.id, "test-checklist", "remarques", "Avant l'export")
    path = tmp_path / "visite.zip"
    archive.export_visit(svc, visit.id, path)
    other = open_services(DataDir(tmp_path / "autre"))
    archive.import_visit(other, path)
    answers.answer_item(other, visit.id, "test-checklist", "remarques", "Sur l'autre portable")
    archive.export_visit(other, visit.id, path)

    archive.import_visit(svc, path)

    entries = _field(svc, visit.id).entries
    assert (entries[0].old, entries[0].new) == ("Avant l'export", "Sur l'autre portable")
    assert entries[0].origin == "import" and entries[0].device_id == other.store.device_id
    assert not entries[0].this_device and entries[0].user_name is None


def test_changes_are_kept_in_the_same_transaction_as_the_edit(svc: Services, visit) -> None:  # type: ignore[no-untyped-def]
    """A change refused by the service leaves no history either."""
    answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", 4)
    with pytest.raises(BadInput):
        answers.answer_item(svc, visit.id, "test-checklist", "pm_agents", -1)
    with svc.store.reading() as session:
        values = session.scalars(
            select(HistoryEntry.new_value).where(HistoryEntry.field_name == "value")
        ).all()
    assert values == [4]
