"""Pulled records are vetted before they are applied: one bad record never stops a pull.

The server checks what it accepts, but a laptop must not trust that every record it
receives fits here (an older or a compromised server, another account's crafted push).
A record this laptop cannot apply would fail the pull's single transaction at every
round (« UNIQUE constraint failed », a foreign key at commit) or crash a screen later
(an unknown status). Each pulled record is checked, in parents-first order, for:

- its fields' kinds, nullability and values (`wire.check_fields` with `FIELD_RULES`:
  statuses, types, roles, priorities, levels, codes…), lengths aside: a long text an
  older server accepted is still one this laptop can hold;
- values SQLite and Python can hold (64-bit integers, dates that stay dates in UTC);
- its references: each parent or contact it names is here or arrives in the same pull
  (and is not set aside itself);
- its parent: the fields of `wire.PARENT_FIELDS` (its visit, interview, contact) never
  change;
- its natural key (`wire.NATURAL_KEYS`: one answer per visit × form × item, one rating
  per theme…): no other record here or in the pull holds it under another id.

A record that fails is *set aside* (`sync_set_aside`, with the reason) instead of
applied; the rest is applied and the cursor moves on. Set-aside records are tried again
at each pull that brings something (their parent may come later); a newer version of
one replaces it. The app and `fieldvisit sync` say what was set aside.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldvisit.store.sync_models import SyncSetAside
from fieldvisit.sync.codec import CHUNK
from fieldvisit.sync.wire import (
    NATURAL_KEYS,
    PARENT_FIELDS,
    REFERENCES,
    TABLE_ORDER,
    TABLES,
    PulledRecord,
    check_fields,
)

INT64 = 2**63

# The natural keys (one answer per visit × form × item…) and the fields that say what a
# record belongs to: the shared rules of sync/wire.py, as the server checks them.
NATURAL_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    table: names for table, (_prefix, names) in NATURAL_KEYS.items()
}
_DATETIMES = {
    table: tuple(name for name, kind in spec.items() if kind.startswith("datetime"))
    for table, spec in TABLES.items()
}
_INTEGERS = {
    table: tuple(name for name, kind in spec.items() if kind.startswith("int"))
    for table, spec in TABLES.items()
}


@dataclass(frozen=True)
class SetAside:
    record: PulledRecord
    code: str  # invalid, parent_missing, parent_changed, natural_key_taken
    reason: str  # French

    @property
    def key(self) -> tuple[str, str]:
        return (self.record.table, self.record.id)


def _field_problem(record: PulledRecord) -> str | None:
    """Why the record's values cannot be held here (French), or None."""
    table, fields = record.table, record.fields
    problem = check_fields(table, fields, lengths=False)  # kinds and FIELD_RULES
    if problem:
        return problem
    for name in _INTEGERS[table]:
        value = fields.get(name)
        if isinstance(value, int) and not -INT64 <= value < INT64:
            return f"champ « {name} » : entier hors limites"
    for name in _DATETIMES[table]:  # dates were parsed by check_fields already
        value = fields.get(name)
        if not isinstance(value, str):
            continue
        try:
            datetime.fromisoformat(value).astimezone(UTC)
        except (ValueError, OverflowError):
            return f"champ « {name} » : date hors limites"
    return None


def _existing(session: Session, table: str, ids: Sequence[str], columns: Sequence[str]) -> dict:
    """id -> (columns…) of the local rows among ids."""
    found: dict[str, tuple[Any, ...]] = {}
    names = ", ".join(("id", *columns))
    connection = session.connection()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        for row in connection.exec_driver_sql(
            f"SELECT {names} FROM {table} WHERE id IN ({marks})", tuple(chunk)
        ):
            found[row[0]] = tuple(row[1:])
    return found


def _holders(session: Session, table: str, key: tuple[str, ...], values: set[tuple]) -> dict:
    """natural key -> id of the local rows holding one of these keys."""
    found: dict[tuple[Any, ...], str] = {}
    if not values:
        return found
    first = sorted({v[0] for v in values})
    connection = session.connection()
    names = ", ".join(key)
    for start in range(0, len(first), CHUNK):
        chunk = first[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        for row in connection.exec_driver_sql(
            f"SELECT id, {names} FROM {table} WHERE {key[0]} IN ({marks})", tuple(chunk)
        ):
            held_key = tuple(row[1:])
            if held_key in values:
                found[held_key] = row[0]
    return found


def vet(
    session: Session, records: Iterable[PulledRecord]
) -> tuple[list[PulledRecord], list[SetAside]]:
    """(the records to apply, the ones set aside); a later seq of the same record wins."""
    by_table: dict[str, dict[str, PulledRecord]] = {}
    for record in records:
        current = by_table.setdefault(record.table, {}).get(record.id)
        if current is None or record.seq >= current.seq:
            by_table[record.table][record.id] = record
    good: list[PulledRecord] = []
    aside: list[SetAside] = []
    accepted: dict[str, set[str]] = {}  # per table, ids applied by this pull
    for table in TABLE_ORDER:
        pulled = by_table.get(table)
        if not pulled:
            continue
        parents = PARENT_FIELDS.get(table, ())
        ids = sorted(pulled)
        local_rows = _existing(session, table, ids, parents)
        ok: list[PulledRecord] = []
        for record_id in ids:
            record = pulled[record_id]
            problem = _field_problem(record)
            if problem:
                aside.append(SetAside(record, "invalid", f"enregistrement invalide : {problem}"))
                continue
            if parents and record_id in local_rows:
                moved = next(
                    (
                        (name, before)
                        for name, before in zip(parents, local_rows[record_id], strict=True)
                        if before != record.fields.get(name)
                    ),
                    None,
                )
                if moved is not None:
                    name, before = moved
                    aside.append(
                        SetAside(
                            record,
                            "parent_changed",
                            f"rattachement changé ({name} « {before} » → "
                            f"« {record.fields.get(name)} ») : un enregistrement ne change "
                            "jamais de parent",
                        )
                    )
                    continue
            ok.append(record)
        ok = _with_parents(session, table, ok, accepted, aside)
        ok = _with_free_keys(session, table, ok, aside)
        accepted[table] = {r.id for r in ok}
        good.extend(ok)
    return good, aside


def _with_parents(
    session: Session,
    table: str,
    records: list[PulledRecord],
    accepted: dict[str, set[str]],
    aside: list[SetAside],
) -> list[PulledRecord]:
    """The records whose every reference is here or applied by this pull."""
    wanted: dict[str, set[str]] = {}
    for record in records:
        for name, target in REFERENCES[table]:
            value = record.fields.get(name)
            if isinstance(value, str) and value not in accepted.get(target, set()):
                wanted.setdefault(target, set()).add(value)
    present = {
        target: set(_existing(session, target, sorted(ids), ())) for target, ids in wanted.items()
    }
    if table in present:  # a record may refer to another of the same pull (follow-ups)
        present[table] |= {r.id for r in records}
    ok = []
    for record in records:
        missing = next(
            (
                (name, value)
                for name, target in REFERENCES[table]
                if isinstance(value := record.fields.get(name), str)
                and value not in accepted.get(target, set())
                and value not in present.get(target, set())
            ),
            None,
        )
        if missing is None:
            ok.append(record)
        else:
            aside.append(
                SetAside(
                    record,
                    "parent_missing",
                    f"{missing[0]} « {missing[1]} » absent de cet ordinateur (non reçu, ou "
                    "mis de côté lui aussi)",
                )
            )
    return ok


def _with_free_keys(
    session: Session, table: str, records: list[PulledRecord], aside: list[SetAside]
) -> list[PulledRecord]:
    """The records whose natural key no other record holds (here or earlier in the pull:
    the first one the server accepted keeps it)."""
    key = NATURAL_KEY_FIELDS.get(table)
    if key is None:
        return records
    keys = {r.id: tuple(r.fields.get(name) for name in key) for r in records}
    holders = _holders(session, table, key, set(keys.values()))
    taken: dict[tuple[Any, ...], str] = {}
    ok = []
    for record in sorted(records, key=lambda r: r.seq):
        natural = keys[record.id]
        holder = taken.get(natural) or holders.get(natural)
        if holder is not None and holder != record.id:
            aside.append(
                SetAside(
                    record,
                    "natural_key_taken",
                    f"doublon : l'enregistrement {holder} tient déjà cette place "
                    f"({', '.join(key)})",
                )
            )
            continue
        taken[natural] = record.id
        ok.append(record)
    return ok


# --- keeping them ---------------------------------------------------------------------


def kept_aside(session: Session) -> list[PulledRecord]:
    """The records set aside at earlier pulls, to try again."""
    rows = session.scalars(select(SyncSetAside.record)).all()
    return [PulledRecord.model_validate(raw) for raw in rows]


def keep_aside(session: Session, aside: Sequence[SetAside], now: datetime) -> None:
    for item in aside:
        session.merge(
            SyncSetAside(
                table_name=item.record.table,
                record_id=item.record.id,
                version=item.record.version,
                record=item.record.model_dump(mode="json"),
                code=item.code,
                reason=item.reason[:2000],
                set_aside_at=now,
            )
        )


def forget(session: Session, applied: Iterable[PulledRecord]) -> None:
    """These were applied: no longer aside."""
    keys = [(r.table, r.id) for r in applied]
    if not keys:
        return
    connection = session.connection()
    if connection.exec_driver_sql("SELECT 1 FROM sync_set_aside LIMIT 1").first() is None:
        return
    connection.exec_driver_sql(
        "DELETE FROM sync_set_aside WHERE table_name = ? AND record_id = ?", keys
    )


def describe(aside: Iterable[SetAside]) -> list[str]:
    return [f"{a.record.table} {a.record.id} : {a.reason}" for a in aside]


@dataclass(frozen=True)
class SetAsideEntry:
    table: str
    record_id: str
    version: int
    code: str
    reason: str
    set_aside_at: datetime
    updated_by_user: str


def set_aside_entries(session: Session) -> list[SetAsideEntry]:
    """What is set aside now, oldest first (for the CLI and the app)."""
    entries = []
    for row in session.scalars(
        select(SyncSetAside).order_by(SyncSetAside.set_aside_at, SyncSetAside.record_id)
    ):
        raw = row.record if isinstance(row.record, dict) else {}
        entries.append(
            SetAsideEntry(
                table=row.table_name,
                record_id=row.record_id,
                version=row.version,
                code=row.code,
                reason=row.reason,
                set_aside_at=row.set_aside_at,
                updated_by_user=str(raw.get("updated_by_user", "")),
            )
        )
    return entries


def clear(session: Session) -> None:
    session.execute(delete(SyncSetAside))
