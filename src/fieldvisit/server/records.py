"""Push and pull of records: optimistic concurrency, idempotent batches, scoping.

A push takes the change-sequence row lock first (see `models.Counter`), so pushes are
serialised: version checks cannot race, and sequence numbers commit in order. A pull
reads the committed sequence value first and only returns records up to it, so a
cursor never jumps over a change that commits later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pydantic_core import to_json
from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    any_,
    bindparam,
    exists,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fieldvisit.core.territories import contact_territory
from fieldvisit.server import deletions, natural_keys, sequence, validation
from fieldvisit.server.blobs import attachment_refusal
from fieldvisit.server.epoch import current_epoch
from fieldvisit.server.history import keep_previous_versions, previous_version
from fieldvisit.server.models import Grant, PublishedForm, PushBatchLog, Record
from fieldvisit.server.push_state import Held, PushState
from fieldvisit.server.reference import reference_digest
from fieldvisit.server.scoping import Principal, grants_of, readable
from fieldvisit.server.validation import Refusal
from fieldvisit.sync.wire import (
    DEPARTEMENT_RE,
    REFERENCES,
    SAME_VISIT_LINKS,
    Change,
    ChangeResult,
    PulledRecord,
    PullPage,
    PushBatch,
    PushResult,
    RejectionCode,
    natural_record_id,
)

RECORDS = cast(Table, Record.__table__)
# The refusal of a write outside the user's territories: one text, whatever the server
# holds there (the record's version, its département, whether it exists at all), so
# that a crafted push learns nothing from it (docs/SECURITY.md, "A hostile colleague").
OUT_OF_TERRITORY = "vous n'avez pas accès à ce territoire"
# References that make a contact visible in the referring record's territory.
# The named porteur of an action (revision 0015) too: a contact one may read, then seen
# in the visit's territory.
CONTACT_LINKS = {
    ("visit_participants", "contact_id"),
    ("interviewees", "contact_id"),
    ("recommendations", "porteur_contact_id"),
}


class BatchIdReused(Exception):
    """A batch id already used by another user or for a different request."""


def _dump(fields: dict[str, Any]) -> str:
    # pydantic-core's encoder: compact UTF-8 JSON, several times faster than json.dumps.
    return to_json(fields).decode("utf-8")


def to_wire(record: Any) -> PulledRecord:
    """A record (ORM object, Core row or Held) as sent to clients."""
    return PulledRecord.model_construct(
        table=record.table_name,
        id=record.record_id,
        version=record.version,
        seq=record.seq,
        fields=json.loads(record.data),
        deleted_at=record.deleted_at,
        updated_by=record.updated_by,
        updated_at=record.updated_at,
        updated_by_user=record.updated_by_user,
    )


# --- pull ----------------------------------------------------------------------------


@dataclass
class Page:
    rows: list[Any]
    next_cursor: int
    has_more: bool
    forms_digest: str
    scope: str
    epoch: str = ""  # server/epoch.py: a restore changes it
    sequence: int = 0  # the committed sequence: a cursor beyond it means a restore
    reference_digest: str = ""  # server/reference.py: public data of the territories

    def model(self) -> PullPage:
        return PullPage.model_construct(
            records=[to_wire(r) for r in self.rows],
            next_cursor=self.next_cursor,
            has_more=self.has_more,
            forms_digest=self.forms_digest,
            scope=self.scope,
            epoch=self.epoch,
            sequence=self.sequence,
            reference_digest=self.reference_digest,
        )

    def json(self) -> bytes:
        """The PullPage JSON, each record's stored JSON spliced in as it is (no parse
        and re-encode of 1,000 records per page)."""
        records = []
        for r in self.rows:
            head = to_json(
                {
                    "table": r.table_name,
                    "id": r.record_id,
                    "version": r.version,
                    "seq": r.seq,
                    "deleted_at": r.deleted_at,
                    "updated_by": r.updated_by,
                    "updated_at": r.updated_at,
                    "updated_by_user": r.updated_by_user,
                }
            )
            records.append(head[:-1] + b',"fields":' + r.data.encode("utf-8") + b"}")
        tail = to_json(
            {
                "next_cursor": self.next_cursor,
                "has_more": self.has_more,
                "forms_digest": self.forms_digest,
                "scope": self.scope,
                "epoch": self.epoch,
                "sequence": self.sequence,
                "reference_digest": self.reference_digest,
            }
        )
        return b'{"records":[' + b",".join(records) + b"]," + tail[1:]


def pull_page(session: Session, who: Principal, after: int, limit: int) -> Page:
    ceiling = sequence.committed_seq(session)  # first: see the module docstring
    query = (
        select(RECORDS)
        .where(RECORDS.c.seq > after, RECORDS.c.seq <= ceiling)
        .order_by(RECORDS.c.seq)
        .limit(limit + 1)
    )
    if not who.is_admin:
        territories = sorted(who.territories)
        granted = exists().where(
            Grant.table_name == RECORDS.c.table_name,
            Grant.record_id == RECORDS.c.record_id,
            Grant.territory.in_(territories),
        )
        query = query.where(or_(RECORDS.c.territory.in_(territories), granted))
    rows: list[Any] = list(session.execute(query))  # Core rows: no ORM cost per record
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1].seq if has_more else max(ceiling, after)
    return Page(
        rows,
        next_cursor,
        has_more,
        forms_digest(session),
        scope_digest(who),
        current_epoch(session),
        ceiling,
        reference_digest(session, who),
    )


def pull(session: Session, who: Principal, after: int, limit: int) -> PullPage:
    return pull_page(session, who, after, limit).model()


def scope_digest(who: Principal) -> str:
    text = who.role + ":" + ",".join(sorted(who.territories))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def forms_digest(session: Session) -> str:
    rows = session.execute(
        select(PublishedForm.form_id, PublishedForm.version, PublishedForm.sha256).order_by(
            PublishedForm.form_id, PublishedForm.version
        )
    )
    text = "\n".join(f"{form_id}:{version}:{sha}" for form_id, version, sha in rows)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- push ----------------------------------------------------------------------------


def request_hash(batch: PushBatch) -> str:
    return hashlib.sha256(batch.model_dump_json().encode("utf-8")).hexdigest()


def push(
    session: Session,
    who: Principal,
    batch: PushBatch,
    now: datetime,
    digest: str | None = None,
) -> PushResult:
    """Apply a batch; `digest` identifies the request (by default a hash of the batch)."""
    sequence.lock(session)  # first: every push waits here for the one before it to commit
    digest = digest or request_hash(batch)
    logged = session.get(PushBatchLog, batch.batch_id)
    if logged is not None:
        if logged.user_id != who.user_id or logged.request_hash != digest:
            raise BatchIdReused(batch.batch_id)
        stored = PushResult.model_validate_json(logged.result)
        return stored.model_copy(update={"replayed": True})
    state = PushState(session, who, batch.device_id, now, sequence.committed_seq(session))
    _load(state, batch.changes)
    _forget_unreadable_misnamed(state, batch.changes)
    # A deletion is checked whole, without its records outside the user's territories
    # (refused alone below): their versions and children are not his to learn.
    deletions.prepare(state, batch.changes, lambda change: _foreign(state, change))
    results = [_apply(state, change) for change in batch.changes]
    _save_records(state)
    keep_previous_versions(session, state.replaced)  # server/history.py
    _save_grants(state)
    sequence.store(session, state.seq)
    result = PushResult(batch_id=batch.batch_id, results=results)
    session.add(
        PushBatchLog(
            batch_id=batch.batch_id,
            user_id=who.user_id,
            request_hash=digest,
            result=result.model_dump_json(),
            created_at=now,
        )
    )
    return result


def _load(state: PushState, changes: Iterable[Change]) -> None:
    """The records of the batch and every record they refer to, in one query per table."""
    changes = list(changes)
    wanted = natural_keys.wanted_ids(changes)  # the ids duplicates would collide with
    for change in changes:
        wanted.setdefault(change.table, set()).add(change.id)
        for name, target in REFERENCES[change.table]:
            value = change.fields.get(name)
            if isinstance(value, str):
                wanted.setdefault(target, set()).add(value)
    for table, ids in wanted.items():
        id_list = sorted(ids)
        for start in range(0, len(id_list), 500):
            chunk = id_list[start : start + 500]
            for row in state.session.execute(
                select(RECORDS).where(RECORDS.c.table_name == table, _id_in(state.session, chunk))
            ):
                held = Held(**row._mapping)
                state.records[(table, held.record_id)] = held


def _forget_unreadable_misnamed(state: PushState, changes: Iterable[Change]) -> None:
    """A change whose natural-key id is not the one its own fields give can never be
    applied, whatever the server holds under that id: a record there that the user
    may not read is left out of the batch, so that the refusal is the one of an id the
    server never had. Otherwise the id of another territory's answer (anyone knowing
    a visit's id computes them), pushed on an answer of one's own visit, told which
    items of that visit were answered. A record under such an id can only be pushed
    with its own parent, outside the user's territories: refused whatever it is."""
    for change in changes:
        expected = natural_record_id(change.table, change.fields)
        if expected is None or expected == change.id:
            continue
        key = (change.table, change.id)
        held = state.records.get(key)
        if held is not None and not readable(state.session, state.who, held):
            del state.records[key]


def _foreign(state: PushState, change: Change) -> bool:
    """The change is outside the user's territories (refused for that whatever it is)."""
    territory, refusal = _territory(state, change, state.records.get((change.table, change.id)))
    return refusal is None and not state.who.may_write(territory)


def _id_in(session: Session, ids: list[str]) -> ColumnElement[bool]:
    """record_id IN ids; on PostgreSQL as `= ANY(array)`: one parameter, planned fast."""
    if session.get_bind().dialect.name == "postgresql":
        return RECORDS.c.record_id == any_(bindparam("ids", ids, type_=ARRAY(String)))
    return RECORDS.c.record_id.in_(ids)


def _rejected(change: Change, code: RejectionCode, reason: str) -> ChangeResult:
    """A refusal; `code` tells the client whether it goes again later (see wire)."""
    return ChangeResult(
        table=change.table, id=change.id, status="rejected", reason=reason, code=code
    )


def _refused(change: Change, refusal: Refusal) -> ChangeResult:
    return _rejected(change, refusal.code, refusal.reason)


def _apply(state: PushState, change: Change) -> ChangeResult:
    refusal = validation.record_problem(change)  # size, kinds, values (server/validation.py)
    if refusal:
        return _refused(change, refusal)
    key = (change.table, change.id)
    existing = state.records.get(key)
    if existing is not None and existing.version != change.base_version:
        if not readable(state.session, state.who, existing):
            return _rejected(change, "out_of_territory", OUT_OF_TERRITORY)
        return ChangeResult(
            table=change.table, id=change.id, status="conflict", current=to_wire(existing)
        )
    territory, refusal = _territory(state, change, existing)
    if refusal:
        return _refused(change, refusal)
    if not state.who.may_write(territory):
        return _rejected(change, "out_of_territory", OUT_OF_TERRITORY)
    if existing is not None:
        refusal = validation.parent_problem(change, existing.data)
        if refusal:
            return _refused(change, refusal)
    refusal = _check_references(state, change, territory)
    if refusal:
        return _refused(change, refusal)
    if refused := deletions.refusal(state, change, existing):  # server/deletions.py
        return refused
    refusal = natural_keys.natural_key_problem(change, state.records)
    if refusal:
        return _refused(change, refusal)
    sha = change.fields.get("sha256")
    if change.table == "attachments":
        # Proof of possession (server/blobs.py): only a holder of the bytes names them.
        refusal = attachment_refusal(
            state.session,
            state.who.user_id,
            change.fields,
            existing.data if existing is not None else None,
            territory,
            deleted=change.deleted,
            reviving=not change.deleted
            and existing is not None
            and existing.deleted_at is not None,
        )
        if refusal is not None:
            return _refused(change, refusal)
    data = _dump(change.fields)
    if existing is not None:
        if existing.data == data and (existing.deleted_at is not None) == change.deleted:
            return ChangeResult(
                table=change.table, id=change.id, status="accepted", version=existing.version
            )
        state.replaced.append(previous_version(existing, state.who, state.device_id, state.now))
        existing.version += 1
        existing.seq = state.next_seq()
        existing.data = data
        if not change.deleted:
            existing.deleted_at = None
        elif existing.deleted_at is None:
            existing.deleted_at = state.now
        existing.updated_at = state.now
        existing.updated_by = state.device_id
        existing.updated_by_user = state.who.username
        existing.dirty = True
        record = existing
    else:
        record = Held(
            table_name=change.table,
            record_id=change.id,
            version=1,
            seq=state.next_seq(),
            territory=territory,
            data=data,
            deleted_at=state.now if change.deleted else None,
            updated_at=state.now,
            updated_by=state.device_id,
            sha256=sha if change.table == "attachments" and isinstance(sha, str) else None,
            updated_by_user=state.who.username,
            new=True,
        )
        state.records[key] = record
    return ChangeResult(table=change.table, id=change.id, status="accepted", version=record.version)


def _territory(
    state: PushState, change: Change, existing: Held | None
) -> tuple[str | None, Refusal | None]:
    """(territory, refusal): fixed at creation, derived from the record or its parent.

    A visit's is its département, which must be its commune's (the communes reference:
    a visit of Yssingeaux declared in the Cantal would hide it from the Haute-Loire).
    """
    fields = change.fields
    if change.table == "visits":
        dep = str(fields.get("departement", ""))
        if not (dep.isascii() and DEPARTEMENT_RE.fullmatch(dep)):
            return None, Refusal("invalid", f"département invalide « {dep} »")
        if existing is not None and not state.who.may_write(existing.territory):
            return existing.territory, None  # refused by _apply, nothing said of it
        refusal = validation.commune_problem(fields, existing.data if existing else None)
        if refusal:
            return None, refusal
        if existing is not None and existing.territory != dep:
            return None, Refusal(
                "parent_changed",
                f"le département d'une visite ne peut pas changer (« {existing.territory} » "
                "sur le serveur) : planifiez une nouvelle visite",
            )
        return dep, None
    if existing is not None:
        return existing.territory, None
    if change.table == "contacts":
        code = fields.get("commune_code")
        # core/territories.py: the rule laptops follow too.
        territory, problem = contact_territory(
            code if isinstance(code, str) else None, state.who.territories
        )
        return territory, (Refusal("invalid", problem) if problem else None)
    link, parent_table = REFERENCES[change.table][0]
    parent = state.records.get((parent_table, str(fields.get(link))))
    if parent is None:
        return None, Refusal(
            "parent_unknown",
            f"{parent_table} « {fields.get(link)} » inconnu du serveur : "
            "l'enregistrement sera renvoyé à la prochaine synchronisation",
        )
    return parent.territory, None


def _check_references(state: PushState, change: Change, territory: str | None) -> Refusal | None:
    for name, target in REFERENCES[change.table]:
        value = change.fields.get(name)
        if value is None:
            continue
        referenced = state.records.get((target, str(value)))
        if referenced is None:
            return Refusal(
                "parent_unknown",
                f"{target} « {value} » inconnu du serveur : l'enregistrement sera renvoyé "
                "à la prochaine synchronisation",
            )
        if (change.table, name) in CONTACT_LINKS and not change.deleted:
            if not readable(state.session, state.who, referenced):
                return Refusal("out_of_territory", "contact hors de vos territoires")
            if territory is not None and referenced.territory != territory:
                _grant(state, referenced, territory)
        elif not state.who.is_admin and not readable(state.session, state.who, referenced):
            return Refusal("out_of_territory", f"{target} « {value} » hors de vos territoires")
        if (change.table, name) in SAME_VISIT_LINKS and not change.deleted:
            theirs = json.loads(referenced.data).get("visit_id")
            if theirs != change.fields.get("visit_id"):
                # Refused whoever's visit it is (one's own other visit too): the link
                # would print another visit's action or photo in this visit's report.
                return Refusal("invalid", f"{target} « {value} » d'une autre visite")
    return None


def _grant(state: PushState, contact: Held, territory: str) -> None:
    key = (contact.table_name, contact.record_id, territory)
    if key in state.new_grants:
        return
    if territory in grants_of(state.session, contact.table_name, contact.record_id):
        return
    state.new_grants.add(key)
    # Sent again (same version) so that devices of that territory receive it now.
    contact.seq = state.next_seq()
    contact.dirty = True


COLUMNS = ("version", "seq", "data", "deleted_at", "updated_at", "updated_by", "updated_by_user")
INSERT_ROWS = 500


def _copy_many(connection: Connection, rows: list[Held]) -> None:
    """PostgreSQL: COPY … FROM STDIN, the fastest way in, inside the same transaction."""
    names = [c.name for c in RECORDS.columns]
    raw = connection.connection.driver_connection
    assert raw is not None  # a live connection of the push's transaction
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY records ({', '.join(names)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(tuple(getattr(row, name) for name in names))


def _insert_many(session: Session, rows: list[Held]) -> None:
    """One multi-row INSERT through the driver: several times faster than executemany
    (one statement and one round trip for 500 records, no per-row compilation)."""
    connection = session.connection()
    dialect = connection.dialect
    columns = list(RECORDS.columns)
    processors = [c.type._cached_bind_processor(dialect) for c in columns]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    row_marks = "(" + ", ".join([mark] * len(columns)) + ")"
    params: list[object] = []
    for row in rows:
        for column, process in zip(columns, processors, strict=True):
            value = getattr(row, column.key)
            params.append(process(value) if process is not None else value)
    names = ", ".join(c.name for c in columns)
    connection.exec_driver_sql(
        f"INSERT INTO records ({names}) VALUES " + ", ".join([row_marks] * len(rows)),
        tuple(params),
    )


def _save_records(state: PushState) -> None:
    """Write the batch's new and changed records: one executemany each."""
    new = [r for r in state.records.values() if r.new]
    changed = [r for r in state.records.values() if r.dirty and not r.new]
    if state.session.get_bind().dialect.name == "postgresql":
        if new:
            _copy_many(state.session.connection(), new)
    else:
        for start in range(0, len(new), INSERT_ROWS):
            _insert_many(state.session, new[start : start + INSERT_ROWS])
    if changed:
        state.session.execute(
            update(RECORDS)
            .where(
                RECORDS.c.table_name == bindparam("k_table"),
                RECORDS.c.record_id == bindparam("k_id"),
            )
            .values({name: bindparam(f"v_{name}") for name in COLUMNS}),
            [
                {
                    "k_table": r.table_name,
                    "k_id": r.record_id,
                    **{f"v_{name}": getattr(r, name) for name in COLUMNS},
                }
                for r in changed
            ],
        )


def _save_grants(state: PushState) -> None:
    for table, record_id, territory in sorted(state.new_grants):
        state.session.add(Grant(table_name=table, record_id=record_id, territory=territory))
