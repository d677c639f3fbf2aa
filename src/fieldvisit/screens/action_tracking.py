"""Suivi des actions: every action of every visit on this laptop, in one read.

The laptop holds the visits its account may read (the server scopes what it sends);
a visit of a département outside the account's territories (made before a login, and
which the server would refuse) is left out as well, so the view shows what the account
works on. An action carried over to a follow-up visit is the same action seen again:
only its newest copy (the one no other copy was carried from) is listed, with the
visit it belongs to now.

« En retard »: open (à engager, en cours) past its échéance (core/domain.py `is_late`).
« À revoir »: open, not late, and either due within `REVIEW_WINDOW` or carried over
from an earlier visit without having been started (still « à engager »): what a
programme lead chases before the next comité.

Everything is read in one `store.reading()` with three statements (actions with their
visits, the account, the carried-over links), whatever the number of actions; the
filter (`ActionFilter`) works on the rows in memory, for the CLI and the Qt model alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select

from fieldvisit.core.domain import (
    LATE_LABEL,
    ActionStatus,
    Dispositif,
    Horizon,
    Porteur,
    is_late,
)
from fieldvisit.core.territories import ADMIN
from fieldvisit.reference.text import normalise, padded_many
from fieldvisit.services.account import Account, account_in
from fieldvisit.services.context import Services
from fieldvisit.store.models import Recommendation, Visit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NO_DISPOSITIF = Dispositif.AUCUN.value
REVIEW_WINDOW = timedelta(days=30)
REVIEW_LABEL = "À revoir"


def dispositifs_of(action: Any) -> list[str]:
    """The dispositifs (codes) an action relies on; none for « aucun ».

    The one place that reads them from a record or a row: the `dispositifs` list
    (revision 0015), else (a record of an older app) the single `dispositif`."""
    listed = getattr(action, "dispositifs", None)
    if isinstance(listed, list):
        return [str(code) for code in listed if code and str(code) != NO_DISPOSITIF]
    value = getattr(action, "dispositif", None)
    if isinstance(value, str):  # one code (the common case, first: 50,000 rows a read)
        return [] if not value or value == NO_DISPOSITIF else [value]
    if value is None:
        return []
    return [str(code) for code in value if code and str(code) != NO_DISPOSITIF]


_LABELS: dict[type[Any], dict[str, str]] = {
    enum: {member.value: member.label for member in enum}
    for enum in (ActionStatus, Dispositif, Horizon, Porteur)
}


def label_of(enum: type[Any], code: str) -> str:
    """The French label of a code of a domain list, or the code itself if unknown (a
    dict lookup: the table asks for thousands of labels at each repaint)."""
    labels = _LABELS.get(enum)
    if labels is None:
        labels = _LABELS[enum] = {member.value: member.label for member in enum}
    return labels.get(code, code)


class TrackedAction(NamedTuple):
    """One action as the view shows it (a named tuple: 50,000 are made at each read,
    and a frozen dataclass's __init__ costs three times as much)."""

    id: str
    visit_id: str
    visit_date: date
    commune_code: str
    commune_name: str
    departement: str
    text: str
    theme: str  # the theme's label, "" without one
    priority: int
    horizon: str
    porteur: str
    dispositifs: tuple[str, ...]
    due_date: date | None
    status: str
    carried_over: bool
    late: bool
    to_review: bool
    pvd: bool
    #: commune, code and text normalised, a space each side (reference/text.py): a word
    #: typed matches when `" " + word` is in it. Made here, on the worker, in bulk.
    search_text: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def state_label(self) -> str:
        """« En retard », « À revoir », or the status's label."""
        if self.late:
            return LATE_LABEL
        if self.to_review:
            return REVIEW_LABEL
        return label_of(ActionStatus, self.status)


OPEN_STATUSES = frozenset(s.value for s in ActionStatus if s.is_open)
TO_START = ActionStatus.A_ENGAGER.value


@dataclass(frozen=True)
class ActionFilter:
    """What the person narrows the list to; empty fields keep every action."""

    text: str = ""
    commune_code: str | None = None
    departement: str | None = None
    porteur: str | None = None
    dispositif: str | None = None
    priority: int | None = None
    status: str | None = None
    horizon: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    overdue_only: bool = False
    pvd_only: bool = False

    def keeps(self, action: TrackedAction) -> bool:
        return bool(filter_actions([action], self))


def filter_actions(actions: Iterable[TrackedAction], flt: ActionFilter) -> list[TrackedAction]:
    """The actions passing the filter, in their order: one tight pass per condition
    (10,000s of rows filter within milliseconds, benchmarks/bench_action_tracking.py)."""
    kept = list(actions)
    if flt.overdue_only:
        kept = [a for a in kept if a.late]
    if flt.pvd_only:
        kept = [a for a in kept if a.pvd]
    if flt.commune_code:
        code = flt.commune_code
        kept = [a for a in kept if a.commune_code == code]
    if flt.departement:
        dep = flt.departement
        kept = [a for a in kept if a.departement == dep]
    if flt.porteur:
        porteur = flt.porteur
        kept = [a for a in kept if a.porteur == porteur]
    if flt.dispositif:
        dispositif = flt.dispositif
        kept = [a for a in kept if dispositif in a.dispositifs]
    if flt.priority is not None:
        priority = flt.priority
        kept = [a for a in kept if a.priority == priority]
    if flt.status:
        status = flt.status
        kept = [a for a in kept if a.status == status]
    if flt.horizon:
        horizon = flt.horizon
        kept = [a for a in kept if a.horizon == horizon]
    if flt.due_from is not None:
        start = flt.due_from
        kept = [a for a in kept if a.due_date is not None and a.due_date >= start]
    if flt.due_to is not None:
        end = flt.due_to
        kept = [a for a in kept if a.due_date is not None and a.due_date <= end]
    for word in normalise(flt.text).split():  # each word starts a word of them
        padded = " " + word
        kept = [a for a in kept if padded in a.search_text]
    return kept


@dataclass(frozen=True)
class ActionTracking:
    actions: tuple[TrackedAction, ...]  # by commune, then visit date, then priority
    today: date
    account: Account | None
    pvd_codes: frozenset[str] = field(default_factory=frozenset)
    #: (code, name) of the communes that have actions, by name; made on the worker
    communes: tuple[tuple[str, str], ...] = ()
    departements: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        actions: tuple[TrackedAction, ...],
        today: date,
        account: Account | None,
        pvd_codes: frozenset[str] = frozenset(),
    ) -> ActionTracking:
        seen = {a.commune_code: a.commune_name for a in actions}
        communes = tuple(sorted(seen.items(), key=lambda item: (item[1], item[0])))
        departements = tuple(sorted({a.departement for a in actions}))
        return cls(actions, today, account, pvd_codes, communes, departements)


def to_review(status: str, due_date: date | None, carried_over: bool, today: date) -> bool:
    """Open and not late, and due within REVIEW_WINDOW or carried over unstarted."""
    if status not in OPEN_STATUSES or is_late(status, due_date, today):
        return False
    if due_date is not None and due_date <= today + REVIEW_WINDOW:
        return True
    return carried_over and status == ActionStatus.A_ENGAGER


def pvd_communes(svc: Services) -> frozenset[str]:
    """The INSEE codes of the Petites Villes de demain, from the imported public data
    (none before it is imported)."""
    try:
        with svc.public_data.reading() as db:
            return frozenset(code for (code,) in db.execute("SELECT code FROM pvd"))
    except Exception:
        return frozenset()


def theme_labels(svc: Services, grids: Iterable[tuple[str | None, int | None]]) -> dict[str, str]:
    """Theme id -> label, over the diagnostic grids of these (form id, version)."""
    labels: dict[str, str] = {}
    for form_id, version in grids:
        if form_id is None or version is None or (form_id, version) not in svc.forms:
            continue
        for theme in svc.forms.get(form_id, version).iter_themes():
            labels.setdefault(theme.id, theme.label)
    return labels


def readable_by(account: Account | None, departement: str) -> bool:
    """Whether the view shows a visit of this département to this account."""
    return account is None or account.role == ADMIN or departement in account.territories


_r = Recommendation.__table__.c
_v = Visit.__table__.c
_ACTION_COLUMNS = (
    _r.id,
    _r.visit_id,
    _r.text,
    _r.theme_id,
    _r.priority,
    _r.horizon,
    _r.porteur,
    _r.dispositif,
    _r.dispositifs,
    _r.due_date,
    _r.status,
    _r.carried_from_id,
    _v.visit_date,
    _v.commune_code,
    _v.commune_name,
    _v.departement,
    _v.diagnostic_form_id,
    _v.diagnostic_form_version,
)


def read_action_rows(session: Session) -> tuple[list[Any], Account | None]:
    """The current actions (no newer copy carried over) of live visits, and the
    account: the rows both this screen and the territory dashboard start from.

    Core statements on the session's connection (its snapshot): plain rows, without
    the ORM's per-row work (a third of the read at 50,000 actions)."""
    successor = Recommendation.__table__.alias("successor")
    carried_on = (
        select(successor.c.carried_from_id)
        .join(Visit.__table__, _v.id == successor.c.visit_id)
        .where(
            successor.c.carried_from_id.is_not(None),
            successor.c.deleted_at.is_(None),
            _v.deleted_at.is_(None),
        )
    )
    query = (
        select(*_ACTION_COLUMNS)
        .join_from(Recommendation.__table__, Visit.__table__, _v.id == _r.visit_id)
        .where(_r.deleted_at.is_(None), _v.deleted_at.is_(None), _r.id.not_in(carried_on))
        .order_by(_v.commune_name, _v.commune_code, _v.visit_date, _r.priority, _r.created_at)
    )
    account = account_in(session)
    rows = [
        r for r in session.connection().execute(query).all() if readable_by(account, r.departement)
    ]
    return rows, account


def tracked_actions(
    svc: Services, rows: Sequence[Any], today: date, pvd: frozenset[str]
) -> tuple[TrackedAction, ...]:
    grids = {(r.diagnostic_form_id, r.diagnostic_form_version) for r in rows}
    themes = theme_labels(svc, grids)
    searched = padded_many([f"{r.commune_name} {r.commune_code} {r.text}" for r in rows])
    out = []
    review_until = today + REVIEW_WINDOW
    for r, search_text in zip(rows, searched, strict=True):
        carried = r.carried_from_id is not None
        status = str(r.status)
        due = r.due_date
        # is_late() and to_review(), inlined: this loop runs for every action
        is_open = status in OPEN_STATUSES
        late = is_open and due is not None and due < today
        review = (
            is_open
            and not late
            and ((due is not None and due <= review_until) or (carried and status == TO_START))
        )
        out.append(
            TrackedAction(
                id=r.id,
                visit_id=r.visit_id,
                visit_date=r.visit_date,
                commune_code=r.commune_code,
                commune_name=r.commune_name,
                departement=r.departement,
                text=r.text,
                theme=themes.get(r.theme_id, r.theme_id or "") if r.theme_id else "",
                priority=r.priority,
                horizon=str(r.horizon),
                porteur=str(r.porteur),
                dispositifs=tuple(dispositifs_of(r)),
                due_date=r.due_date,
                status=status,
                carried_over=carried,
                late=late,
                to_review=review,
                pvd=r.commune_code in pvd,
                search_text=search_text,
            )
        )
    return tuple(out)


def load_action_tracking(svc: Services, today: date | None = None) -> ActionTracking:
    """Every current action this account follows, with what the view shows of it."""
    today = today or svc.clock().astimezone().date()
    with svc.store.reading() as session:
        rows, account = read_action_rows(session)
    pvd = pvd_communes(svc)
    return ActionTracking.of(tracked_actions(svc, rows, today, pvd), today, account, pvd)


# Labels of the closed lists, for the CLI, the model and the exports alike.
def porteur_label(code: str) -> str:
    return label_of(Porteur, code)


def horizon_label(code: str) -> str:
    return label_of(Horizon, code)


def dispositif_label(code: str) -> str:
    return label_of(Dispositif, code)


def status_label(code: str) -> str:
    return label_of(ActionStatus, code)
