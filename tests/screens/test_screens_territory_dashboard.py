"""Tableau de bord du territoire, read side: a row per commune of the account's
territories (visited, or a PVD never visited), last and next visit, actions, the last
diagnostic's levels and the themes of highest concern."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from screens_support import StatementCounter

from fieldvisit.screens.territory_dashboard import (
    NEVER,
    DashboardFilter,
    load_territory_dashboard,
)
from fieldvisit.services import Services, diagnostic, visits
from tracking_data import TODAY, build_territory


def test_rows_of_the_account_territories(svc: Services, tmp_path: Path) -> None:
    t = build_territory(svc, tmp_path)
    board = load_territory_dashboard(svc, today=TODAY)
    rows = {row.code: row for row in board.rows}
    # Clermont-Ferrand (63) is another account's, even though it is a PVD.
    assert list(rows) == ["15014", "15187", "43157", "43040"]  # never visited last
    flour = rows["15187"]
    assert flour.pvd and flour.last_visit is not None and flour.next_visit is not None
    assert flour.last_visit.id == t.saint_flour_follow_up
    assert flour.next_visit.id == t.saint_flour_planned
    assert flour.status_label == "Planifiée"  # the follow-up of April is still planned
    assert (flour.open_actions, flour.late_actions) == (2, 1)
    # The last diagnostic is January's (the follow-up rated nothing).
    assert flour.diagnostic_date == date(2026, 1, 20)
    assert flour.levels == {
        "cambriolages": 4,
        "degradations": 3,
        "violences_intrafamiliales": 1,
        "stupefiants": None,
    }
    assert flour.concerns == ("Cambriolages", "Dégradations et destructions")
    brioude = rows["43040"]
    assert brioude.pvd and brioude.last_visit is None and brioude.status_label == "Jamais visitée"
    assert rows["43157"].late_actions == 1
    assert rows["15014"].levels == {"cambriolages": 2} and rows["15014"].concerns == ()
    assert [theme for theme, _label in board.themes] == [
        "cambriolages",
        "degradations",
        "violences_intrafamiliales",
        "stupefiants",
    ]
    assert board.territory_label == "départements 15, 43"


def test_a_newer_diagnostic_replaces_the_levels(svc: Services, tmp_path: Path) -> None:
    t = build_territory(svc, tmp_path)
    diagnostic.rate_theme(svc, t.saint_flour_follow_up, "cambriolages", 2)
    row = {r.code: r for r in load_territory_dashboard(svc, today=TODAY).rows}["15187"]
    assert row.levels == {"cambriolages": 2}
    assert row.concerns == ()


def test_filters(svc: Services, tmp_path: Path) -> None:
    build_territory(svc, tmp_path)
    board = load_territory_dashboard(svc, today=TODAY)

    def codes(**kw: object) -> list[str]:
        return [r.code for r in board.filtered(DashboardFilter(**kw))]  # type: ignore[arg-type]

    assert codes(departement="43") == ["43157", "43040"]
    assert codes(pvd_only=True) == ["15187", "43040"]
    assert codes(status=NEVER) == ["43040"]
    assert codes(status="planifiee") == ["15014", "15187", "43157"]


def test_few_statements_whatever_the_number_of_communes(svc: Services, tmp_path: Path) -> None:
    build_territory(svc, tmp_path)
    with StatementCounter(svc) as small:
        load_territory_dashboard(svc, today=TODAY)
    for code in ("15134", "15138", "43012", "43026"):
        visit = visits.plan_visit(svc, code, date(2026, 2, 2))
        diagnostic.rate_theme(svc, visit.id, "violences_intrafamiliales", 3)
    with StatementCounter(svc) as large:
        board = load_territory_dashboard(svc, today=TODAY)
    assert len(board.rows) == 8
    assert large.transactions == large.connections == 1
    assert len(large.queries) == len(small.queries) <= 5, large.queries
