"""Suivi des actions across laptops and accounts, through a real server: a bulk change
of status and échéance is in each action's history and reaches a colleague like any
edit; an account never sees the actions of a territory it does not work in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.screens.action_tracking import load_action_tracking
from fieldvisit.services import actions, visits
from fieldvisit.services.action_tracking import change_actions
from fieldvisit.services.history import for_field

TODAY = date(2026, 12, 1)


def test_bulk_change_is_history_and_sync(laptops: Callable[..., Any]) -> None:
    cantal = laptops("cantal", user="agent15")
    haute_loire = laptops("haute-loire", user="agent43")
    coordination = laptops("coordination", user="coord")

    flour = visits.plan_visit(cantal.svc, "15187", date(2026, 10, 2)).id
    first = actions.add_recommendation(cantal.svc, flour, "Vidéoprotection place d'Armes").id
    second = actions.add_recommendation(cantal.svc, flour, "Réunion participation citoyenne").id
    le_puy = visits.plan_visit(haute_loire.svc, "43157", date(2026, 10, 5)).id
    actions.add_recommendation(haute_loire.svc, le_puy, "Patrouilles au marché du samedi")
    for laptop in (cantal, haute_loire, coordination, cantal):
        laptop.sync()

    # Each account sees the actions of its territories; the coordinateur, both.
    assert {a.text for a in load_action_tracking(cantal.svc, TODAY).actions} == {
        "Vidéoprotection place d'Armes",
        "Réunion participation citoyenne",
    }
    assert len(load_action_tracking(coordination.svc, TODAY).actions) == 3

    cantal.svc.clock.now += timedelta(hours=1)  # type: ignore[attr-defined]  # a later session
    change = change_actions(
        cantal.svc, [first, second], status="en_cours", due_date=date(2026, 11, 15)
    )
    assert change.changed == 2
    for action_id in (first, second):
        status = for_field(cantal.svc, "recommendations", action_id, "status").entries
        assert (status[0].old, status[0].new) == ("a_engager", "en_cours")
        due = for_field(cantal.svc, "recommendations", action_id, "due_date").entries
        assert due[0].new == "2026-11-15"
    assert cantal.pending() == 2
    cantal.sync()
    assert cantal.pending() == 0
    coordination.sync()
    seen = {a.id: a for a in load_action_tracking(coordination.svc, TODAY).actions}
    assert seen[first].status == seen[second].status == "en_cours"
    assert seen[first].due_date == date(2026, 11, 15) and seen[first].late


def test_a_refused_value_changes_none(laptops: Callable[..., Any]) -> None:
    cantal = laptops("cantal", user="agent15")
    flour = visits.plan_visit(cantal.svc, "15187", date(2026, 10, 2)).id
    ids = [actions.add_recommendation(cantal.svc, flour, f"Action {n}").id for n in range(3)]
    with pytest.raises(BadInput, match=r"valeur possible"):
        change_actions(cantal.svc, ids, status="peut-etre")
    with pytest.raises(BadInput):
        change_actions(cantal.svc, [ids[0], "inexistante"], status="realisee")
    assert {a.status for a in load_action_tracking(cantal.svc, TODAY).actions} == {"a_engager"}
