"""Conflicts as the conflict view shows them, what a sync round says it changed, and a
round cancelled because the app closes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from fieldvisit.core.errors import BadInput
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services.actions import add_recommendation, update_recommendation
from fieldvisit.services.answers import answer_item, visit_answers
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.visits import get_visit, plan_visit, update_visit
from fieldvisit.sync.conflicts import conflict_entries, resolve_conflict
from fieldvisit.sync.engine import SyncCancelled, SyncEngine
from fieldvisit.sync.session import configured_client
from fieldvisit.sync.status import sync_status

FORM = "visite-centre-bourg"
Make = Callable[..., Any]


def test_an_answer_conflict_names_the_visit_the_question_and_the_choices(
    laptops: Make,
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    b.sync()
    answer_item(a.svc, visit.id, FORM, "marche_exploratoire", value="oui")
    answer_item(b.svc, visit.id, FORM, "marche_exploratoire", value="non")
    a.sync()
    report = b.sync()
    assert report.conflicts == 1 and visit.id in report.changed_visits

    [entry] = conflict_entries(b.svc)
    assert (entry.commune_name, entry.departement) == ("Saint-Flour", "15")
    assert entry.visit_id == visit.id and entry.visit_date == date(2026, 3, 14)
    assert entry.record_label.startswith("Le parcours est-il mené comme une marche")
    assert (entry.table, entry.field_name, entry.local, entry.remote) == (
        "answers",
        "value",
        "non",
        "oui",
    )
    assert entry.value_labels["non"] == "Non" and entry.value_labels["na"] == "Sans objet"
    assert not entry.editable  # a yes/no answer is chosen, not typed


def test_a_free_text_conflict_can_be_typed_within_the_field_limits(laptops: Make) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="Claire")
    a.sync()
    b.sync()
    update_visit(a.svc, visit.id, author="Claire Martin (ANCT)")
    update_visit(b.svc, visit.id, author="Adjudant Morel")
    a.sync()
    b.sync()
    [entry] = conflict_entries(b.svc)
    assert entry.field_name == "author" and entry.editable and entry.value_labels == {}
    with pytest.raises(BadInput, match="plus de 200 caractères"):
        resolve_conflict(b.svc, entry.id, "value", "x" * 201)
    assert len(conflict_entries(b.svc)) == 1  # still open: nothing was written
    resolve_conflict(b.svc, entry.id, "value", "Claire Martin et l'adjudant Morel")
    assert conflict_entries(b.svc) == []
    b.sync()
    assert a.sync().changed_visits == {visit.id}
    assert get_visit(a.svc, visit.id).author == "Claire Martin et l'adjudant Morel"


def test_a_choice_is_checked_by_the_answer_service_like_any_answer(laptops: Make) -> None:
    """Resolving goes through the edit of the answer: a value that is not one of the
    item's choices is refused in French, nothing written, the conflict still open; a
    choice of the item is an ordinary answer, sent at the next sync."""
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    b.sync()
    answer_item(a.svc, visit.id, FORM, "eclairage_extinction", value="partielle")
    answer_item(b.svc, visit.id, FORM, "eclairage_extinction", value="totale")
    a.sync()
    b.sync()
    [entry] = conflict_entries(b.svc)
    assert entry.value_labels["aucune"] == "Aucune extinction"
    with pytest.raises(BadInput, match="eteinte-le-dimanche"):
        resolve_conflict(b.svc, entry.id, "value", "eteinte-le-dimanche")
    assert [e.id for e in conflict_entries(b.svc)] == [entry.id]
    assert visit_answers(b.svc, visit.id, FORM)["eclairage_extinction"].value == "partielle"
    resolve_conflict(b.svc, entry.id, "value", "aucune")
    assert conflict_entries(b.svc) == []
    b.sync()
    a.sync()
    assert visit_answers(a.svc, visit.id, FORM)["eclairage_extinction"].value == "aucune"


def test_an_edit_against_a_delete_names_the_record(laptops: Make, server: FastAPI) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    rec = add_recommendation(a.svc, visit.id, "Éclairer le parking de la salle des fêtes")
    a.sync()
    b.sync()
    soft_delete(a.svc, "recommendation", rec.id)
    update_recommendation(b.svc, rec.id, text="Éclairer le parking et la ruelle")
    a.sync()
    b.sync()
    [entry] = conflict_entries(b.svc)
    assert entry.conflict_kind == "delete" and not entry.editable
    assert entry.record_label == "Éclairer le parking et la ruelle"
    assert (entry.local, entry.remote) == (False, True)  # kept here, deleted there
    resolve_conflict(b.svc, entry.id, "remote")  # agree with the deletion
    b.sync()
    assert server_snapshot(server.state.ctx.db)[("recommendations", rec.id)][1] is True


def test_a_round_that_pulls_nothing_changed_no_visit(laptops: Make) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    assert a.sync().changed_visits == set()  # its own push: nothing new here
    assert b.sync().changed_visits == {visit.id}
    assert b.sync().changed_visits == set()


def test_a_cancelled_round_stops_between_batches_and_loses_nothing(
    laptops: Make, server: FastAPI
) -> None:
    """The app closing mid-push: what the server acknowledged is recorded, the rest
    stays pending for the next round, and no error is remembered."""
    a = laptops("a")
    made = [plan_visit(a.svc, "15187", date(2026, 3, day)) for day in range(1, 6)]
    cancel = threading.Event()

    def progress(stage: str, done: int, _total: int) -> None:
        if stage == "push" and done >= 2:
            cancel.set()  # as SyncController.stop() does

    client = configured_client(a.svc, http=a.http)
    engine = SyncEngine(a.svc, client, progress, batch_size=2, cancel=cancel)
    with pytest.raises(SyncCancelled):
        engine.run()
    on_server = [k for k in server_snapshot(server.state.ctx.db) if k[0] == "visits"]
    assert 0 < len(on_server) < len(made)
    assert a.pending() == len(made) - len(on_server)  # acknowledged = clean, rest pending
    assert sync_status(a.svc).last_error is None
    a.sync()
    assert a.pending() == 0
    assert len([k for k in server_snapshot(server.state.ctx.db) if k[0] == "visits"]) == 5
