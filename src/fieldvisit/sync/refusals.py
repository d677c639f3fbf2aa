"""Changes refused for good: held back, shown with the reason, and a way out.

A change the server refuses with a code outside `wire.RETRY_LATER_CODES` (an invalid
value, a territory the account may not write…) would be refused again as it is:
sending it at every round only hid it behind « sera renvoyé ». It is recorded in
`sync_refused` with the reason and the stamp its row had when it was sent, and held
back while the row keeps that stamp. The person then:

- fixes it: any edit stamps the row anew, so it goes at the next sync (and comes back
  refused, with the new reason, if it still is);
- retries it as it is (`retry`: e.g. once an admin granted the territory);
- keeps a copy (`export_copy`: every field in a text file);
- discards it (`discard`): the record goes back to the server's version (the merge
  base); a record never sent is removed from this laptop with what depends on it.

This laptop's own check comes first (`vet_outgoing`): a change the server would refuse
for its size or its kinds is not sent at all and is recorded the same way (refused by
"local"), so that one bad record never makes a whole batch fail. Changes refused with a
retry-later code (a parent or a file not on the server yet) stay pending and go again
once per round.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.services.context import Services
from fieldvisit.services.describe import label_beside_visit, visit_of
from fieldvisit.store.models import Visit
from fieldvisit.store.serialize import MODELS_BY_TABLE
from fieldvisit.store.sync_models import SyncBase, SyncRefused
from fieldvisit.sync.codec import CODECS, TABLE_OBJECTS
from fieldvisit.sync.local import Outgoing
from fieldvisit.sync.wire import (
    REFERENCES,
    RETRY_LATER_CODES,
    TABLE_ORDER,
    Change,
    ChangeResult,
    check_fields,
    record_size_problem,
)

BY_SERVER = "server"
BY_LAPTOP = "local"
# Servers from before the rejection codes said so in words.
_LEGACY_RETRY_WORDS = "prochaine synchronisation"


def retry_later(result: ChangeResult) -> bool:
    """A rejection that waits for something still on its way: the change goes again."""
    if result.code is not None:
        return result.code in RETRY_LATER_CODES
    return _LEGACY_RETRY_WORDS in (result.reason or "")


def vet_outgoing(change: Change) -> tuple[str, str] | None:
    """(code, French reason) if the server would refuse this change for what it holds
    (its size, a field's kind or length); None if it can go."""
    problem = record_size_problem(change.fields)
    if problem:
        return "too_large", f"enregistrement trop volumineux : {problem}"
    problem = check_fields(change.table, change.fields)
    if problem:
        return "invalid", f"enregistrement invalide : {problem}"
    return None


def rejected_here(outgoing: Outgoing, code: str, reason: str) -> ChangeResult:
    """The answer this laptop gives itself for a change it does not send."""
    return ChangeResult.model_construct(
        table=outgoing.change.table,
        id=outgoing.change.id,
        status="rejected",
        version=None,
        current=None,
        reason=reason,
        code=code,
    )


# --- the bookkeeping ------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    outgoing: Outgoing
    code: str
    reason: str
    refused_by: str


def record(session: Session, refusals: Sequence[Refusal], now: datetime) -> None:
    """Keep these refusals (a refused change refused again is updated)."""
    for refusal in refusals:
        change = refusal.outgoing.change
        session.merge(
            SyncRefused(
                table_name=change.table,
                record_id=change.id,
                code=refusal.code,
                reason=refusal.reason[:2000],
                refused_by=refusal.refused_by,
                refused_at=now,
                stamp_updated_at=refusal.outgoing.stamp[0],
                stamp_deleted_at=refusal.outgoing.stamp[1],
                base_version=change.base_version,
                fields=dict(change.fields),
                deleted=change.deleted,
            )
        )


def forget(session: Session, keys: Iterable[tuple[str, str]]) -> None:
    """These changes went through (accepted, merged, waiting): no longer refused."""
    rows = list(keys)
    if not rows:
        return
    connection = session.connection()
    if connection.exec_driver_sql("SELECT 1 FROM sync_refused LIMIT 1").first() is None:
        return  # the usual case: nothing was ever refused
    connection.exec_driver_sql(
        "DELETE FROM sync_refused WHERE table_name = ? AND record_id = ?", rows
    )


def _held_sql(table: str) -> str:
    return (
        f"SELECT r.record_id FROM sync_refused r JOIN {table} t ON t.id = r.record_id "
        "WHERE r.table_name = ? AND t.pending = 1 AND t.updated_at = r.stamp_updated_at "
        "AND t.deleted_at IS r.stamp_deleted_at"
    )


def held(session: Session) -> set[tuple[str, str]]:
    """The refused changes still as they were refused: not sent again."""
    connection = session.connection()
    tables = [
        row[0] for row in connection.exec_driver_sql("SELECT DISTINCT table_name FROM sync_refused")
    ]
    found: set[tuple[str, str]] = set()
    for table in tables:
        if table not in TABLE_OBJECTS:
            continue
        for (record_id,) in connection.exec_driver_sql(_held_sql(table), (table,)):
            found.add((table, record_id))
    return found


def prune(session: Session) -> set[tuple[str, str]]:
    """Forget refusals whose record changed since (edited, discarded, gone); the ones
    still held."""
    kept = held(session)
    rows = session.execute(select(SyncRefused.table_name, SyncRefused.record_id)).all()
    stale = [(t, r) for t, r in rows if (t, r) not in kept]
    if stale:
        session.connection().exec_driver_sql(
            "DELETE FROM sync_refused WHERE table_name = ? AND record_id = ?", stale
        )
    return kept


def held_with_dependents(session: Session, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """These held changes and the records that wait with them: never sent, referring
    (directly or not) to a held record the server never had. They cannot reach the
    server without it, so they are not sent either (sending them would only bring back
    « parent inconnu, sera renvoyé » at every round); fixing or retrying the record
    sends them with it, discarding it discards them (`discard`)."""
    found = set(keys)
    for table, record_id in keys:
        if _base(session, table, record_id) is None:
            found.update(_dependents(session, table, record_id))
    return found


def has_stale(session: Session) -> bool:
    """Whether some refusal no longer matches its record (read only)."""
    total = session.connection().exec_driver_sql("SELECT count(*) FROM sync_refused").scalar()
    return bool(total) and total != len(held(session))


def count_held(session: Session) -> tuple[int, int]:
    """The changes held back: (refused ones, those waiting with them)."""
    kept = held(session)
    if not kept:
        return 0, 0
    return len(kept), len(held_with_dependents(session, kept)) - len(kept)


# --- what the person sees -------------------------------------------------------------


@dataclass(frozen=True)
class RefusedChange:
    """A change held back, with what a person needs to recognise it and act.

    `section` is the workspace section where the record is edited ("" for a contact
    not taking part in any visit); `never_sent` means discarding removes the record.
    """

    table: str
    record_id: str
    code: str
    reason: str
    refused_by: str
    refused_at: datetime
    fields: dict[str, Any]
    deleted: bool
    never_sent: bool
    record_label: str = ""
    visit_id: str | None = None
    commune_name: str = ""
    departement: str = ""
    visit_date: date | None = None
    section: str = ""
    dependents: int = 0  # records discarded with it (never sent, referring to it)

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.record_id)


def refused_changes(svc: Services) -> list[RefusedChange]:
    """The changes held back, oldest refusal first."""
    with svc.store.reading() as session:
        kept = held(session)
        rows = session.scalars(
            select(SyncRefused).order_by(SyncRefused.refused_at, SyncRefused.record_id)
        ).all()
        return [
            _describe(svc, session, row) for row in rows if (row.table_name, row.record_id) in kept
        ]


def _describe(svc: Services, session: Session, row: SyncRefused) -> RefusedChange:
    model = MODELS_BY_TABLE[row.table_name]
    record_obj = session.get(model, row.record_id)
    visit = _visit_of(session, row.table_name, record_obj)
    never_sent = row.base_version == 0 and _base(session, row.table_name, row.record_id) is None
    return RefusedChange(
        table=row.table_name,
        record_id=row.record_id,
        code=row.code,
        reason=row.reason,
        refused_by=row.refused_by,
        refused_at=row.refused_at,
        fields=dict(row.fields or {}),
        deleted=row.deleted,
        never_sent=never_sent,
        record_label=label_beside_visit(svc, session, row.table_name, record_obj),
        visit_id=visit.id if visit is not None else None,
        commune_name=visit.commune_name if visit is not None else "",
        departement=visit.departement if visit is not None else "",
        visit_date=visit.visit_date if visit is not None else None,
        section=_section(row.table_name, record_obj, visit),
        dependents=len(_dependents(session, row.table_name, row.record_id)) if never_sent else 0,
    )


def _visit_of(session: Session, table: str, record_obj: Any) -> Visit | None:
    """The visit to open to fix the change: a contact's is one it takes part in."""
    if record_obj is not None and table == "contacts":
        visit_id = (
            session.connection()
            .exec_driver_sql(
                "SELECT visit_id FROM visit_participants WHERE contact_id = ? "
                "AND deleted_at IS NULL ORDER BY id LIMIT 1",
                (record_obj.id,),
            )
            .scalar()
        )
        return session.get(Visit, visit_id) if visit_id else None
    return visit_of(session, table, record_obj)


_SECTIONS = {
    "contacts": "info",
    "visits": "info",
    "visit_participants": "info",
    "interviews": "interviews",
    "interviewees": "interviews",
    "interview_answers": "interviews",
    "theme_ratings": "diagnostic",
    "recommendations": "actions",
    "observations": "observations",
    "repeat_occurrences": "checklist",
    "occurrence_answers": "checklist",
    "attachments": "photos",
    "quick_notes": "info",
    "signatures": "info",
}


def _section(table: str, record_obj: Any, visit: Visit | None) -> str:
    if visit is None:
        return ""
    if table == "answers":
        form_id = getattr(record_obj, "form_id", None)
        return "diagnostic" if form_id == visit.diagnostic_form_id else "checklist"
    return _SECTIONS.get(table, "info")


def _base(session: Session, table: str, record_id: str) -> SyncBase | None:
    return session.get(SyncBase, (table, record_id))


# --- the ways out ---------------------------------------------------------------------


def _held_row(session: Session, table: str, record_id: str) -> SyncRefused:
    row = session.get(SyncRefused, (table, record_id))
    if row is None or (table, record_id) not in held(session):
        raise NotFound(
            f"Aucune modification refusée pour « {table} {record_id} » (déjà corrigée, "
            "renvoyée ou abandonnée ?)."
        )
    return row


def retry(svc: Services, table: str, record_id: str) -> None:
    """Send the change again as it is at the next sync (the refusal is forgotten)."""
    with svc.store.transaction() as session:
        session.delete(_held_row(session, table, record_id))


def _children() -> dict[str, tuple[tuple[str, str], ...]]:
    """Per table, the (table, field) pairs that refer to it."""
    out: dict[str, list[tuple[str, str]]] = {}
    for child, refs in REFERENCES.items():
        for name, target in refs:
            out.setdefault(target, []).append((child, name))
    return {table: tuple(pairs) for table, pairs in out.items()}


CHILDREN = _children()


def _dependents(session: Session, table: str, record_id: str) -> list[tuple[str, str]]:
    """Records never sent that refer to this one, directly or not (they cannot reach
    the server without it)."""
    connection = session.connection()
    found: list[tuple[str, str]] = []
    todo = [(table, record_id)]
    seen = {(table, record_id)}
    while todo:
        parent_table, parent_id = todo.pop()
        for child, name in CHILDREN.get(parent_table, ()):
            for (child_id,) in connection.exec_driver_sql(
                f"SELECT id FROM {child} WHERE {name} = ? AND server_version = 0",
                (parent_id,),
            ):
                if (child, child_id) not in seen:
                    seen.add((child, child_id))
                    found.append((child, child_id))
                    todo.append((child, child_id))
    return found


def discard(svc: Services, table: str, record_id: str) -> int:
    """Give the change up: back to the server's version (the merge base), or, for a
    record the server never had, off this laptop with the records that depend on it.
    How many records were removed (0 when reverted)."""
    with svc.store.transaction() as session:
        row = _held_row(session, table, record_id)
        model = MODELS_BY_TABLE[table]
        target = session.get(model, record_id)
        if target is None:
            session.delete(row)
            return 0
        base = _base(session, table, record_id)
        now = svc.clock()
        if base is not None:
            for name, value in CODECS[table].to_columns(base.fields).items():
                if hasattr(target, name):
                    setattr(target, name, value)
            target.deleted_at = (target.deleted_at or now) if base.deleted else None
            target.server_version = base.server_version
            target.pending = False
            session.delete(row)
            return 0
        # Never on the server: a tombstone nobody sends (and what cannot go without it).
        removed = [(table, record_id), *_dependents(session, table, record_id)]
        order = {name: index for index, name in enumerate(TABLE_ORDER)}
        for dep_table, dep_id in sorted(removed, key=lambda key: -order[key[0]]):
            obj = session.get(MODELS_BY_TABLE[dep_table], dep_id)
            if obj is not None:
                obj.deleted_at = obj.deleted_at or now
                obj.pending = False
        session.execute(
            delete(SyncRefused).where(
                SyncRefused.table_name.in_({t for t, _ in removed}),
                SyncRefused.record_id.in_({i for _, i in removed}),
            )
        )
        return len(removed)


def export_copy(svc: Services, table: str, record_id: str, target: Path) -> Path:
    """Every field of the refused change in a UTF-8 text file (written whole, or not)."""
    change = next(
        (c for c in refused_changes(svc) if c.key == (table, record_id)),
        None,
    )
    if change is None:
        raise NotFound(f"Aucune modification refusée pour « {table} {record_id} ».")
    target = target.expanduser()
    if target.is_dir():
        raise BadInput(f"« {target} » est un dossier : indiquez un nom de fichier.")
    lines = [
        "Copie d'une modification refusée par le serveur fieldvisit",
        f"Enregistrement : {table} {record_id}",
    ]
    if change.record_label:
        lines[-1] += f" — {change.record_label}"
    if change.visit_id:
        when = day_text(change.visit_date) if change.visit_date else ""
        lines.append(f"Visite : {change.commune_name} ({change.departement}) {when}".rstrip())
    lines.append(f"Raison : {change.reason}")
    lines.append(f"Refusée le : {moment_text(change.refused_at)}")
    if change.deleted:
        lines.append("(suppression de l'enregistrement)")
    lines.append("")
    for name, value in change.fields.items():
        if isinstance(value, str) and "\n" in value:
            lines.extend([f"{name} :", value, ""])
        else:
            lines.append(f"{name} : {'' if value is None else value}")
    text = "\n".join(lines).rstrip("\n") + "\n"
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".copie-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp_name, target)
    except OSError as err:
        raise BadInput(f"Impossible d'écrire la copie dans « {target} » : {err.strerror}.") from err
    return target
