"""Laptops against records crafted by another account: the server refuses them, so a
territory's laptops keep syncing and showing their visits; and nothing the app itself
makes is refused by those checks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.cli import main
from fieldvisit.core.ids import new_id
from fieldvisit.demo.seed import seed_demo
from fieldvisit.server.testing import change, push_body
from fieldvisit.services import Services
from fieldvisit.services.answers import answer_item
from fieldvisit.services.interviews import list_interviews
from fieldvisit.services.notes import add_quick_note, move_note_to_interview, move_note_to_item
from fieldvisit.services.visits import list_visits, plan_visit
from fieldvisit.sync.codec import TABLE_OBJECTS

PASSWORD = "mot-de-passe-solide"
FORM = "visite-centre-bourg"


class Colleague:
    """Another account speaking the protocol by hand: it pushes what it likes."""

    def __init__(self, server: FastAPI, username: str) -> None:
        self.http = TestClient(server)
        self.device = f"crafted-{username}"
        answer = self.http.post(
            "/api/v1/login",
            json={"username": username, "password": PASSWORD, "device_id": self.device},
        )
        assert answer.status_code == 200, answer.text
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    def records(self) -> dict[str, dict[str, Any]]:
        page = self.http.get("/api/v1/changes?limit=1000", headers=self.headers).json()
        return {r["id"]: r for r in page["records"]}

    def push(self, *changes: dict) -> list[dict]:
        body = push_body(self.device, *changes)
        answer = self.http.post("/api/v1/push", headers=self.headers, json=body)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["results"])


def _visits_list_cli(svc: Services, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--data-dir", str(svc.data_dir.root), "visits", "list"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_records_crafted_by_another_account_never_break_the_territorys_laptops(
    laptops: Callable[..., Any], server: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: each was accepted and sent to the Haute-Loire laptops: the duplicate
    answer broke their pulls on the unique key, the « piratee » visit made the visit
    list and `fieldvisit visits list` crash."""
    laptop = laptops("laptop43", "agent43")
    puy = plan_visit(laptop.svc, "43157", date(2026, 11, 20), author="Agent 43")
    yssingeaux = plan_visit(laptop.svc, "43268", date(2026, 11, 21), author="Agent 43")
    answer = answer_item(laptop.svc, puy.id, FORM, "parcours", "Place du Breuil, rue Pannessac")
    assert laptop.sync().rejected == []

    colleague = Colleague(server, "coord")  # a valid account of the 15 and the 43
    held = colleague.records()[answer.id]
    codes = []
    # A second answer to the same item, under a new id.
    duplicate = change("answers", new_id(), {**held["fields"], "value": "doublon"})
    codes += [r["code"] for r in colleague.push(duplicate)]
    assert laptop.sync().rejected == []  # before: « UNIQUE constraint failed », every round
    # The answer moved to the other visit.
    moved = change("answers", answer.id, {**held["fields"], "visit_id": yssingeaux.id}, base=1)
    codes += [r["code"] for r in colleague.push(moved)]
    assert laptop.sync().rejected == []
    # A new visit and an edit of one with values outside the domain.
    pirate = dict(colleague.records()[puy.id]["fields"])
    pirate.update(status="piratee", visit_type="zzz")
    crafted = colleague.push(
        change("visits", new_id(), pirate), change("visits", puy.id, pirate, 1)
    )
    codes += [r["code"] for r in crafted]
    assert laptop.sync().rejected == []

    summaries = {v.id: v for v in list_visits(laptop.svc)}
    assert set(summaries) == {puy.id, yssingeaux.id}
    assert summaries[puy.id].answered == 2  # its answer, and its date (the bound item)
    code, shown = _visits_list_cli(laptop.svc, capsys)
    assert code == 0, shown
    assert "Le Puy-en-Velay" in shown and "Traceback" not in shown
    # A fresh laptop of the territory gets exactly the same visits.
    other = laptops("other43", "agent43")
    assert other.sync().rejected == []
    assert {v.id for v in list_visits(other.svc)} == set(summaries)
    assert codes == [
        "natural_key_taken",
        "parent_changed",
        "invalid",
        "invalid",
    ]


def test_a_visit_planned_on_a_laptop_takes_its_communes_departement(
    laptops: Callable[..., Any],
) -> None:
    """The app derives the département from the communes reference, as the server
    checks it: a visit of Yssingeaux goes to the Haute-Loire, never to the Cantal."""
    coord = laptops("coord", "coord")  # territories 15 and 43
    visit = plan_visit(coord.svc, "43268", date(2026, 11, 22))
    assert visit.departement == "43"
    assert coord.sync().rejected == []
    agent43, agent15 = laptops("a43", "agent43"), laptops("a15", "agent15")
    agent43.sync()
    agent15.sync()
    assert [v.id for v in list_visits(agent43.svc)] == [visit.id]
    assert list_visits(agent15.svc) == []


REPEATING = "test-checklist"  # tests/service_fixtures.py: its group « locaux »


def test_everything_the_app_makes_passes_the_servers_checks(
    laptops: Callable[..., Any],
) -> None:
    """The demo visits (every kind of record: contacts, participants, answers, theme
    ratings, interviews with interviewees and answers, recommendations, photos, issued
    reports) and quick notes moved to an item and to an interview: none refused."""
    laptop = laptops("demo", "admin")
    assert seed_demo(laptop.svc, today=date(2026, 11, 25)) > 0
    visit = next(v for v in list_visits(laptop.svc) if list_interviews(laptop.svc, v.id))
    interview = list_interviews(laptop.svc, visit.id)[0]
    to_item = add_quick_note(laptop.svc, visit.id, "Éclairage en panne rue du Four")
    move_note_to_item(laptop.svc, to_item.id, FORM, "parcours")
    to_interview = add_quick_note(laptop.svc, visit.id, "Le maire rappellera jeudi")
    move_note_to_interview(laptop.svc, to_interview.id, interview.id)
    # An occurrence of a repeatable group, answered (the tests' checklist has one).
    from fieldvisit.services import answers, repeats

    repeat_visit = plan_visit(laptop.svc, "15187", date(2026, 11, 24), checklist_form=REPEATING)
    answers.answer_item(laptop.svc, repeat_visit.id, REPEATING, "pm_presente", "oui")
    occurrence = repeats.add_occurrence(laptop.svc, repeat_visit.id, REPEATING, "locaux")
    repeats.set_occurrence_answer(laptop.svc, occurrence.id, "local_etat", "degrade")

    report = laptop.sync()
    assert report.rejected == []
    assert laptop.pending() == 0
    tables = {table for table, _ in laptop.snapshot()}
    assert tables == set(TABLE_OBJECTS)  # every kind of record was sent
