"""Tableau de bord du territoire: one row per commune the account follows.

The communes are those of the visits on this laptop in the account's territories
(screens/action_tracking.py `readable_by`), and the Petites Villes de demain of those
territories that were never visited (from the imported public data): a comité de
pilotage wants to see them too.

Per commune: the last visit (the newest one dated today or before) and the next one
(the soonest after today, or planned for today), the status of the last visit (else
of the next), the open and the late actions (their current copies), and the levels of
the last diagnostic (the newest visit with a theme rated): the heat map's row, and the
themes of highest concern (level 3 « préoccupant » or more, the highest first).

One `store.reading()`: the visits, the actions (the same statement as the Suivi des
actions), the visits with a rated theme, then the ratings of the last diagnostic of
each commune: four statements, whatever the number of communes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from fieldvisit.core.domain import CONCERN_LABELS, VisitStatus
from fieldvisit.screens.action_tracking import (
    pvd_communes,
    read_action_rows,
    readable_by,
    theme_labels,
    tracked_actions,
)
from fieldvisit.services.account import Account
from fieldvisit.services.context import Services
from fieldvisit.store.models import ThemeRating, Visit

#: the level from which a theme is « of highest concern »
CONCERN_THRESHOLD = 3
#: how many themes of highest concern a row names
TOP_THEMES = 3


@dataclass(frozen=True)
class VisitMark:
    id: str
    visit_date: date
    status: str

    @property
    def status_label(self) -> str:
        try:
            return VisitStatus(self.status).label
        except ValueError:
            return self.status


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    departement: str
    pvd: bool
    last_visit: VisitMark | None
    next_visit: VisitMark | None
    open_actions: int
    late_actions: int
    #: theme id -> level (1–4, None: non évalué) of the last diagnostic; absent: not in it
    levels: dict[str, int | None]
    diagnostic_date: date | None
    concerns: tuple[str, ...]  # theme labels, highest level first

    @property
    def status(self) -> str | None:
        """The status of the last visit, else of the next; None: never visited."""
        mark = self.last_visit or self.next_visit
        return mark.status if mark else None

    @property
    def status_label(self) -> str:
        mark = self.last_visit or self.next_visit
        return mark.status_label if mark else NEVER_VISITED


NEVER_VISITED = "Jamais visitée"


@dataclass(frozen=True)
class DashboardFilter:
    departement: str | None = None
    pvd_only: bool = False
    status: str | None = None  # a VisitStatus code, or NEVER for never visited

    def keeps(self, row: CommuneRow) -> bool:
        if self.departement and row.departement != self.departement:
            return False
        if self.pvd_only and not row.pvd:
            return False
        if self.status == NEVER:
            return row.status is None
        return not self.status or row.status == self.status


NEVER = "jamais"


@dataclass(frozen=True)
class TerritoryDashboard:
    rows: tuple[CommuneRow, ...]  # visited first, then by département and name
    themes: tuple[tuple[str, str], ...]  # (id, label) of the heat map's columns
    today: date
    account: Account | None

    def filtered(self, flt: DashboardFilter) -> list[CommuneRow]:
        return [row for row in self.rows if flt.keeps(row)]

    @property
    def departements(self) -> list[str]:
        return sorted({row.departement for row in self.rows})

    @property
    def territory_label(self) -> str:
        if self.account is not None and self.account.territories:
            return self.account.where()
        deps = self.departements
        label = "département" if len(deps) == 1 else "départements"
        return f"{label} {', '.join(deps)}" if deps else "aucun territoire"


def level_label(level: int | None) -> str:
    return CONCERN_LABELS.get(level, str(level))


_VISIT_COLUMNS = (
    Visit.id,
    Visit.commune_code,
    Visit.commune_name,
    Visit.departement,
    Visit.visit_date,
    Visit.status,
    Visit.diagnostic_form_id,
    Visit.diagnostic_form_version,
)


def load_territory_dashboard(svc: Services, today: date | None = None) -> TerritoryDashboard:
    today = today or svc.clock().astimezone().date()
    with svc.store.reading() as session:
        action_rows, account = read_action_rows(session)
        visits = [
            v
            for v in session.execute(select(*_VISIT_COLUMNS).where(Visit.deleted_at.is_(None)))
            if readable_by(account, v.departement)
        ]
        rated = set(
            session.scalars(
                select(ThemeRating.visit_id)
                .join(Visit, Visit.id == ThemeRating.visit_id)
                .where(ThemeRating.deleted_at.is_(None), Visit.deleted_at.is_(None))
                .distinct()
            )
        )
        last_diagnostic = _last_diagnostics(visits, rated, today)
        ratings: dict[str, dict[str, int | None]] = defaultdict(dict)
        if last_diagnostic:
            for visit_id, theme_id, level in session.execute(
                select(ThemeRating.visit_id, ThemeRating.theme_id, ThemeRating.level).where(
                    ThemeRating.visit_id.in_([v.id for v in last_diagnostic.values()]),
                    ThemeRating.deleted_at.is_(None),
                )
            ):
                ratings[visit_id][theme_id] = level
    pvd = pvd_communes(svc)
    actions = tracked_actions(svc, action_rows, today, pvd)
    open_count: dict[str, int] = defaultdict(int)
    late_count: dict[str, int] = defaultdict(int)
    for action in actions:
        if action.is_open:
            open_count[action.commune_code] += 1
        if action.late:
            late_count[action.commune_code] += 1

    grids = list(dict.fromkeys((v.diagnostic_form_id, v.diagnostic_form_version) for v in visits))
    labels = theme_labels(svc, grids)
    used = {theme for levels in ratings.values() for theme in levels}
    # The grids' order (labels keep it), then any theme no installed grid names.
    themes = tuple((t, labels[t]) for t in labels if t in used) + tuple(
        (t, t) for t in sorted(used - set(labels))
    )

    by_commune: dict[str, list[Any]] = defaultdict(list)
    for visit in visits:
        by_commune[visit.commune_code].append(visit)
    rows = [
        _commune_row(
            code,
            commune_visits,
            code in pvd,
            open_count[code],
            late_count[code],
            last_diagnostic.get(code),
            ratings,
            labels,
            today,
        )
        for code, commune_visits in by_commune.items()
    ]
    rows += _unvisited_pvd(svc, pvd, set(by_commune), account, {r.departement for r in rows})
    # The communes visited first; the Petites Villes never visited after them.
    rows.sort(key=lambda r: (r.status is None, r.departement, r.name, r.code))
    return TerritoryDashboard(tuple(rows), themes, today, account)


def _last_diagnostics(visits: Sequence[Any], rated: set[str], today: date) -> dict[str, Any]:
    """Commune code -> its newest visit with a rated theme (dated today or before)."""
    last: dict[str, Any] = {}
    for visit in visits:
        if visit.id not in rated or visit.visit_date > today:
            continue
        best = last.get(visit.commune_code)
        if best is None or (visit.visit_date, visit.id) > (best.visit_date, best.id):
            last[visit.commune_code] = visit
    return last


def _commune_row(
    code: str,
    visits: Sequence[Any],
    pvd: bool,
    open_actions: int,
    late_actions: int,
    diagnosed: Any,
    ratings: dict[str, dict[str, int | None]],
    labels: dict[str, str],
    today: date,
) -> CommuneRow:
    ordered = sorted(visits, key=lambda v: (v.visit_date, v.id))
    past = [
        v
        for v in ordered
        if v.visit_date < today or (v.visit_date == today and v.status != VisitStatus.PLANIFIEE)
    ]
    coming = [v for v in ordered if v not in past]
    last = past[-1] if past else None
    upcoming = coming[0] if coming else None
    levels = dict(ratings.get(diagnosed.id, {})) if diagnosed is not None else {}
    concern = sorted(
        ((level, theme) for theme, level in levels.items() if level and level >= CONCERN_THRESHOLD),
        key=lambda item: (-item[0], labels.get(item[1], item[1])),
    )
    newest = ordered[-1]
    return CommuneRow(
        code=code,
        name=newest.commune_name,
        departement=newest.departement,
        pvd=pvd,
        last_visit=VisitMark(last.id, last.visit_date, str(last.status)) if last else None,
        next_visit=(
            VisitMark(upcoming.id, upcoming.visit_date, str(upcoming.status)) if upcoming else None
        ),
        open_actions=open_actions,
        late_actions=late_actions,
        levels=levels,
        diagnostic_date=diagnosed.visit_date if diagnosed is not None else None,
        concerns=tuple(labels.get(theme, theme) for _level, theme in concern[:TOP_THEMES]),
    )


def _unvisited_pvd(
    svc: Services,
    pvd: frozenset[str],
    visited: set[str],
    account: Account | None,
    departements: set[str],
) -> list[CommuneRow]:
    """The Petites Villes de demain of the territories that have no visit yet."""
    if account is not None and account.territories:
        territories = set(account.territories)
    else:
        territories = departements
    rows = []
    for code in sorted(pvd - visited):
        commune = svc.communes.get(code)
        if commune is None or commune.departement not in territories:
            continue
        rows.append(
            CommuneRow(
                code=code,
                name=commune.nom,
                departement=commune.departement,
                pvd=True,
                last_visit=None,
                next_visit=None,
                open_actions=0,
                late_actions=0,
                levels={},
                diagnostic_date=None,
                concerns=(),
            )
        )
    return rows
