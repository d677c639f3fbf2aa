"""What an operation changed, as Anki's operations return `OpChanges`.

Every operation reports what it changed as one `Changes`: which kinds of records
(tables), of which visits. The screens refresh from it, through one signal (ui/base/changes.py):
a page reloads when a change touches what it shows, for the visit it shows, and only
then. Nobody wires "this page changed something that page shows" by hand.

Where a `Changes` comes from:

- **An operation of the app** (an edit, an import, a restore from the history, a
  conflict resolution, planning a visit…) runs on the database worker inside
  `ChangeRecorder.recording()` (ui/base/context.py does it for every operation): what its
  committed sessions flushed is recorded from the ORM itself, so no use case can forget
  to report a change and none has to say it.
- **A sync round** reports the visits it changed (sync/engine.py, `SyncReport`):
  `Changes.whole_visits` says that anything of them may differ.
- **Clearing an account's data** changes everything: `Changes.everything()`.

No Qt here: the dataclass is read by pages, tests and any later screen alike.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

#: The tables of a visit's own records (those with a visit, directly or through an
#: interview): what a sync round that touched a visit may have changed of it.
VISIT_TABLES = frozenset(
    {
        "visits",
        "visit_participants",
        "contacts",
        "answers",
        "interviews",
        "interviewees",
        "interview_answers",
        "theme_ratings",
        "recommendations",
        "observations",
        "repeat_occurrences",
        "occurrence_answers",
        "attachments",
        "quick_notes",
        "signatures",
    }
)

#: (table, visit id), the visit None when the record belongs to no one visit (a contact
#: takes part in many; the history; sync's own tables)
Touched = tuple[str, str | None]


@dataclass(frozen=True)
class Changes:
    """What one operation (or several, joined with `|`) changed.

    `records`: the kinds of records changed, each with the visit they belong to (None:
    no one visit, so every visit showing such records is concerned). `all`: the whole
    database may differ (an account's data cleared)."""

    records: frozenset[Touched] = frozenset()
    all: bool = False

    @classmethod
    def of(cls, tables: Iterable[str], visits: Iterable[str | None]) -> Changes:
        """These tables, of these visits."""
        visit_ids = list(visits)
        return cls(frozenset((table, visit) for table in tables for visit in visit_ids))

    @classmethod
    def whole_visits(cls, visit_ids: Iterable[str]) -> Changes:
        """Anything of these visits may have changed (a sync round)."""
        return cls.of(VISIT_TABLES, visit_ids)

    @classmethod
    def everything(cls) -> Changes:
        return cls(all=True)

    def __bool__(self) -> bool:
        return self.all or bool(self.records)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.records | other.records, self.all or other.all)

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(table for table, _visit in self.records)

    @property
    def visits(self) -> frozenset[str]:
        """The visits named (records of no one visit leave none here)."""
        return frozenset(visit for _table, visit in self.records if visit is not None)

    def touches(self, visit_id: str | None, tables: Collection[str]) -> bool:
        """Whether a screen showing these tables of this visit (None: of any visit, as
        the visit list does) has something new to show."""
        if self.all:
            return True
        return any(
            table in tables and (visit_id is None or visit in (visit_id, None))
            for table, visit in self.records
        )

    def only(self, tables: Collection[str]) -> bool:
        """Whether nothing but these tables changed."""
        return not self.all and self.tables <= set(tables)


@dataclass
class _Sink:
    touched: set[Touched] = field(default_factory=set)

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(self.touched))


class ChangeRecorder:
    """Records what the committed sessions of one store changed, for the operations
    running inside `recording()` on the same thread.

    The ORM says it: `after_flush` sees every record added, changed or deleted, and its
    visit (an interview's sub-records: the interview's); `after_commit` hands what the
    session flushed to the recordings of its thread, `after_rollback` drops it.
    Sessions of other threads (a sync round's) record nothing here."""

    _PENDING = "fieldvisit.changes"  # key of Session.info

    def __init__(self) -> None:
        self._local = threading.local()

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Record what the sessions made by this factory change."""
        from sqlalchemy import event

        event.listen(sessions, "after_flush", self._flushed)
        event.listen(sessions, "after_commit", self._committed)
        event.listen(sessions, "after_rollback", self._rolled_back)
        event.listen(sessions, "do_orm_execute", self._executed)

    @contextmanager
    def recording(self) -> Iterator[_Sink]:
        """What the sessions of this thread commit until the end of the block; nested
        recordings each get it all."""
        sinks = self._sinks()
        sink = _Sink()
        sinks.append(sink)
        try:
            yield sink
        finally:
            sinks.remove(sink)

    def _sinks(self) -> list[_Sink]:
        sinks: list[_Sink] | None = getattr(self._local, "sinks", None)
        if sinks is None:
            sinks = self._local.sinks = []
        return sinks

    def _pending(self, session: Session) -> set[Touched]:
        pending: set[Touched] = session.info.setdefault(self._PENDING, set())
        return pending

    def _flushed(self, session: Session, _context: Any) -> None:
        if not self._sinks():
            return
        pending = self._pending(session)
        for instance in (*session.new, *session.deleted):
            pending.add(_touched(session, instance))
        for instance in session.dirty:
            if session.is_modified(instance, include_collections=False):
                pending.add(_touched(session, instance))

    def _executed(self, state: Any) -> None:
        """An ORM-enabled UPDATE, DELETE or INSERT statement: its table, of no one visit
        (which rows, the statement does not say)."""
        if not self._sinks() or not (state.is_update or state.is_delete or state.is_insert):
            return
        table = getattr(state.statement, "table", None)
        name = getattr(table, "name", None)
        if isinstance(name, str):
            self._pending(state.session).add((name, None))

    def _committed(self, session: Session) -> None:
        pending = session.info.pop(self._PENDING, None)
        if pending:
            for sink in self._sinks():
                sink.touched |= pending

    def _rolled_back(self, session: Session) -> None:
        session.info.pop(self._PENDING, None)


def _touched(session: Session, instance: object) -> Touched:
    """The table of a record and the visit it belongs to."""
    table = str(getattr(instance, "__tablename__", type(instance).__name__))
    if table == "visits":
        return (table, getattr(instance, "id", None))
    visit_id = getattr(instance, "visit_id", None)
    interview_id = getattr(instance, "interview_id", None)
    if visit_id is None and interview_id is not None:
        from fieldvisit.store.models import Interview

        # Mostly in the session already (the use case read it to check it is live); in
        # a flush, `get` never flushes again.
        interview = session.get(Interview, interview_id)
        visit_id = interview.visit_id if interview is not None else None
    return (table, visit_id if isinstance(visit_id, str) else None)
