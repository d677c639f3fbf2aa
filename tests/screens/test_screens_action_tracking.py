"""Suivi des actions, read side: the current copy of each action, late and à revoir,
the account's territories only, PVD from the public data, filters, in few statements."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from screens_support import StatementCounter

from fieldvisit.core.domain import ActionStatus, Dispositif, Porteur
from fieldvisit.screens.action_tracking import (
    ActionFilter,
    dispositifs_of,
    filter_actions,
    load_action_tracking,
)
from fieldvisit.services import Services, actions, visits
from tracking_data import OUTSIDE_TEXT, TODAY, build_territory


def test_every_current_action_of_the_account_once(svc: Services, tmp_path: Path) -> None:
    t = build_territory(svc, tmp_path)
    tracking = load_action_tracking(svc, today=TODAY)
    texts = [a.text for a in tracking.actions]
    # The two carried-over actions appear once, as their follow-up copies.
    assert texts.count("Installer la vidéoprotection place d'Armes") == 1
    assert texts.count("Réunion publique participation citoyenne") == 1
    by_id = {a.id: a for a in tracking.actions}
    assert by_id[t.late_copy].visit_id == t.saint_flour_follow_up
    assert OUTSIDE_TEXT not in texts  # another account's territory
    assert [code for code, _name in tracking.communes] == ["15014", "43157", "15187"]
    assert len(tracking.actions) == 6


def test_late_and_to_review(svc: Services, tmp_path: Path) -> None:
    t = build_territory(svc, tmp_path)
    by_id = {a.id: a for a in load_action_tracking(svc, today=TODAY).actions}
    assert by_id[t.late_copy].late and by_id[t.late_copy].state_label == "En retard"
    assert by_id[t.le_puy_late].late
    review = by_id[t.review_copy]
    assert not review.late and review.to_review and review.state_label == "À revoir"
    assert not by_id[t.aurillac_open].late and not by_id[t.aurillac_open].to_review
    # Due within 30 days: à revoir too; once done, neither.
    actions.update_recommendation(svc, t.aurillac_open, due_date=date(2026, 6, 20))
    assert {a.id: a for a in load_action_tracking(svc, today=TODAY).actions}[
        t.aurillac_open
    ].to_review
    actions.update_recommendation(svc, t.late_copy, status=ActionStatus.REALISEE)
    done = {a.id: a for a in load_action_tracking(svc, today=TODAY).actions}[t.late_copy]
    assert not done.late and not done.to_review and done.state_label == "Réalisée"


def test_pvd_from_the_public_data(svc: Services, tmp_path: Path) -> None:
    build_territory(svc, tmp_path)
    tracking = load_action_tracking(svc, today=TODAY)
    pvd = {a.commune_code for a in tracking.actions if a.pvd}
    assert pvd == {"15187"}
    kept = filter_actions(tracking.actions, ActionFilter(pvd_only=True))
    assert kept and all(a.commune_code == "15187" for a in kept)


def test_filters(svc: Services, tmp_path: Path) -> None:
    t = build_territory(svc, tmp_path)
    rows = load_action_tracking(svc, today=TODAY).actions

    def ids(**kw: object) -> set[str]:
        return {a.id for a in filter_actions(rows, ActionFilter(**kw))}  # type: ignore[arg-type]

    assert ids(overdue_only=True) == {t.late_copy, t.le_puy_late}
    assert ids(departement="43") == {t.le_puy_late}
    assert ids(porteur=Porteur.GENDARMERIE.value) == {t.le_puy_late, t.aurillac_open}
    assert ids(dispositif=Dispositif.OTV.value) == {t.le_puy_late, t.aurillac_open}
    assert ids(dispositif=Dispositif.VIDEOPROTECTION.value) == {t.late_copy}
    assert ids(priority=1) == {t.late_copy}
    assert ids(status=ActionStatus.EN_COURS.value) == {t.aurillac_open}
    assert ids(due_from=date(2026, 5, 10), due_to=date(2026, 12, 31)) == {t.le_puy_late}
    assert ids(commune_code="15014", status=ActionStatus.REALISEE.value) != set()
    assert ids(commune_code="15014", overdue_only=True) == set()


def test_dispositifs_of_reads_one_or_several() -> None:
    assert dispositifs_of(SimpleNamespace(dispositif="otv")) == ["otv"]
    assert dispositifs_of(SimpleNamespace(dispositif=["otv", "fipd"])) == ["otv", "fipd"]
    assert dispositifs_of(SimpleNamespace(dispositif="aucun")) == []


def test_one_reading_without_n_plus_one(svc: Services, tmp_path: Path) -> None:
    build_territory(svc, tmp_path)
    with StatementCounter(svc) as small:
        load_action_tracking(svc, today=TODAY)
    for n in range(30):
        visit = visits.plan_visit(svc, "15014", date(2025, 1, 1 + n % 28))
        actions.add_recommendation(svc, visit.id, f"Action {n}")
    with StatementCounter(svc) as large:
        tracking = load_action_tracking(svc, today=TODAY)
    assert len(tracking.actions) == 36
    assert large.connections == small.connections == 1
    assert large.transactions == 1
    assert len(large.queries) == len(small.queries) <= 3, large.queries


def test_the_read_applies_the_late_and_review_rules(svc: Services) -> None:
    """The read computes « en retard » and « à revoir » inline (it runs for every action):
    the same answers as core/domain.py `is_late` and `to_review`, for every case."""
    from fieldvisit.core.domain import is_late
    from fieldvisit.screens.action_tracking import to_review

    first = visits.plan_visit(svc, "15187", date(2026, 1, 5)).id
    dues = [None, date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 20), date(2026, 9, 1)]
    for status in ActionStatus:
        for due in dues:
            actions.add_recommendation(svc, first, f"{status} {due}", status=status, due_date=due)
    follow_up = visits.plan_visit(svc, "15187", date(2026, 3, 5), visit_type="suivi").id
    rows = load_action_tracking(svc, today=TODAY).actions
    assert {a.visit_id for a in rows if a.carried_over} == {follow_up}
    assert len(rows) == len(ActionStatus) * len(dues)
    for a in rows:
        assert a.late == is_late(a.status, a.due_date, TODAY), a
        assert a.to_review == to_review(a.status, a.due_date, a.carried_over, TODAY), a
    assert any(a.to_review and a.due_date is None for a in rows)  # carried, unstarted
    assert any(a.to_review and a.due_date == date(2026, 6, 20) for a in rows)
