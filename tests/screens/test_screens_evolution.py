"""The Diagnostic screen of a follow-up: the previous visit's levels and what became
of its plan, read in the screen's one snapshot with a fixed number of statements."""

from __future__ import annotations

from datetime import date

from screens_support import StatementCounter

from fieldvisit.core.domain import VisitType
from fieldvisit.screens.visit_form import load_visit_form
from fieldvisit.services import Services, deletion, visits
from follow_up_visits import (
    EXPECTED_STATES,
    FIRST_DATE,
    FIRST_LEVELS,
    FOLLOW_UP_DATE,
    visit_twice,
)


def test_a_first_visit_has_no_evolution(svc: Services) -> None:
    first = visits.plan_visit(svc, "15187", FIRST_DATE)
    visits.plan_visit(svc, "52269", date(2026, 1, 5))  # another commune, earlier
    assert load_visit_form(svc, first.id, "diagnostic").evolution is None


def test_a_follow_up_shows_the_levels_then_and_each_action_as_it_stands_now(
    svc: Services,
) -> None:
    two = visit_twice(svc)
    evolution = load_visit_form(svc, two.follow_up_id, "diagnostic").evolution
    assert evolution is not None
    assert (evolution.previous_visit_id, evolution.linked) == (two.first_id, True)
    assert evolution.previous_visit_date == FIRST_DATE
    assert dict(evolution.levels) == FIRST_LEVELS
    assert evolution.level_then_text("cambriolages") == "Visite du 12/03/2026 : 3 – Préoccupant"
    assert evolution.level_then_text("violences") == "Visite du 12/03/2026 : Non évalué"
    assert {a.text: a.state_label for a in evolution.actions} == EXPECTED_STATES
    # by priority; the carried ones hold their status in the follow-up's own plan
    assert [a.priority for a in evolution.actions] == [1, 2, 2, 3, 3]
    carried = {a.text for a in evolution.actions if a.carried_over}
    assert carried == {
        "Éclairer le parking de la halle",
        "Signer le protocole de participation citoyenne",
        "Étendre la vidéoprotection place du marché",
    }


def test_without_a_link_the_latest_earlier_visit_of_the_commune_is_the_previous_one(
    svc: Services,
) -> None:
    two = visit_twice(svc)
    # planned as a first visit (no link), a week after the follow-up
    later = visits.plan_visit(svc, "15187", date(2026, 11, 27), VisitType.PREMIERE)
    assert later.previous_visit_id is None
    evolution = load_visit_form(svc, later.id, "diagnostic").evolution
    assert evolution is not None
    assert (evolution.previous_visit_id, evolution.linked) == (two.follow_up_id, False)
    assert evolution.previous_visit_date == FOLLOW_UP_DATE
    # nothing was carried into the later visit: each action as the follow-up left it
    assert not any(a.carried_over for a in evolution.actions)
    # the link wins over a later visit of the commune: the follow-up still compares
    # itself with the first visit, not with one planned between them
    visits.plan_visit(svc, "15187", date(2026, 6, 1), VisitType.PREMIERE)
    again = load_visit_form(svc, two.follow_up_id, "diagnostic").evolution
    assert again is not None and again.previous_visit_id == two.first_id
    # a deleted previous visit gives way to the rule by date
    deletion.soft_delete(svc, "visit", two.first_id)
    after = load_visit_form(svc, two.follow_up_id, "diagnostic").evolution
    assert after is not None and after.previous_visit_date == date(2026, 6, 1)


def test_the_evolution_is_read_with_as_many_statements_for_a_long_plan(svc: Services) -> None:
    short = visit_twice(svc, "15187")
    long = visit_twice(svc, "52269", extra_actions=30)

    def count(visit_id: str) -> StatementCounter:
        load_visit_form(svc, visit_id, "diagnostic")
        with StatementCounter(svc) as counter:
            data = load_visit_form(svc, visit_id, "diagnostic")
        assert data.evolution is not None
        return counter

    few, many = count(short.follow_up_id), count(long.follow_up_id)
    assert many.connections == few.connections == 1
    assert many.transactions == few.transactions == 1
    assert len(many.queries) == len(few.queries) <= 7, many.queries
    data = load_visit_form(svc, long.follow_up_id, "diagnostic")
    assert data.evolution is not None and len(data.evolution.actions) == 35
