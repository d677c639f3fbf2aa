"""Property: three laptops, random edits, deletes, offline periods, dropped and duplicated
requests and server restarts; after everyone syncs twice, every laptop and the server
hold the same data, and no word typed anywhere is lost.

A hypothesis state machine (`RuleBasedStateMachine`). Every text written is made of
unique words ("w17"), so "not lost" is checkable: each word written is in the final
data (deleted records keep their fields), or in a conflict record of some laptop, or
was removed knowingly by a laptop that had it in front of it (an edit of its own copy).

Examples: the "dev" profile runs 25; CI (FIELDVISIT_HYPOTHESIS_PROFILE=ci, set by
.ci/run) runs 100 examples of up to 30 steps each (see tests/sync/conftest.py).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import delete, select

from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords, server_snapshot
from fieldvisit.services import Services
from fieldvisit.services.actions import add_recommendation, update_recommendation
from fieldvisit.services.answers import answer_item
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.store import open_store
from fieldvisit.store.models import Answer, LocalMeta, Recommendation, Visit, natural_id
from fieldvisit.store.sync_models import SyncConflict
from fieldvisit.sync.client import ConnectionLost, SyncClient, SyncError
from fieldvisit.sync.codec import TABLE_OBJECTS, row_fields
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client, login

PASSWORD = "mot-de-passe-solide"
FORM = "visite-centre-bourg"
ITEMS = ("marche_exploratoire", "parcours")
USERS = ("agent15", "coord", "agent15")  # two laptops of one person, one coordinator
WORD = re.compile(r"w\d+")


class Templates:
    """A migrated client database and a migrated server database, copied per example."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="fv-templates-"))
        store = open_store(DataDir(self.root / "client"))
        with store.transaction() as session:
            session.execute(delete(LocalMeta))  # each copy makes its own device id
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        server_db = self.root / "server.sqlite3"
        app = create_app(f"sqlite+pysqlite:///{server_db}", self.root / "files")
        ctx = app.state.ctx
        passwords = fast_passwords()
        add_user(ctx.db, passwords, "agent15", PASSWORD, "agent", ("15",))
        add_user(ctx.db, passwords, "coord", PASSWORD, "coordinateur", ("15", "43"))
        with ctx.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        ctx.db.close()

    def client_db(self, target: Path) -> None:
        target.mkdir(parents=True)
        for name in ("fieldvisit.sqlite3", "fieldvisit.key"):  # encrypted: its key file too
            shutil.copyfile(self.root / "client" / name, target / name)

    def server_db(self, target: Path) -> None:
        shutil.copyfile(self.root / "server.sqlite3", target)


_templates: Templates | None = None


def templates() -> Templates:
    global _templates
    if _templates is None:
        _templates = Templates()
    return _templates


class Offline(SyncClient):
    """No network at all."""

    def __init__(self, server_url: str, token: str | None) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("réseau coupé", request=request)

        super().__init__(
            server_url, token, http=httpx.Client(transport=httpx.MockTransport(refuse))
        )


class DropsAnswers(SyncClient):
    """Every push reaches the server, but no answer comes back (the round fails)."""

    def push(self, batch: Any) -> Any:
        super().push(batch)
        raise ConnectionLost("réponse perdue")


class Duplicates(SyncClient):
    """Every push is sent twice (a proxy retrying): the second gets the replayed answer."""

    def push(self, batch: Any) -> Any:
        super().push(batch)
        return super().push(batch)


class MultiDeviceSync(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="fv-multi-"))
        self.server_db = self.tmp / "server.sqlite3"
        templates().server_db(self.server_db)
        self.app = self._start_server()
        self.http = TestClient(self.app)
        self.words = count()
        self.written: defaultdict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.replaced: defaultdict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.devices: list[Services] = []
        for n, user in enumerate(USERS):
            root = self.tmp / f"laptop{n}"
            templates().client_db(root)
            svc = Services.open(DataDir(root), clock=_Clock(timedelta(hours=-6 * n)))
            self.devices.append(svc)
            login(svc, "http://testserver", user, PASSWORD, http=self.http)
        self.online = [True, True, True]
        self.visit_id = plan_visit(self.devices[0], "15187", date(2026, 3, 14)).id
        for svc in self.devices:
            self._sync(svc)

    def _start_server(self) -> FastAPI:
        return create_app(
            f"sqlite+pysqlite:///{self.server_db}",
            self.tmp / "files",
            passwords=fast_passwords(),
        )

    def _client(self, svc: Services, kind: type[SyncClient] = SyncClient) -> SyncClient:
        base = configured_client(svc, http=self.http)
        if kind is Offline:
            return Offline(base.server_url, base.token)
        return kind(base.server_url, base.token, http=self.http)

    def _sync(self, svc: Services, kind: type[SyncClient] = SyncClient) -> None:
        index = self.devices.index(svc)
        if not self.online[index]:
            kind = Offline
        try:
            SyncEngine(svc, self._client(svc, kind)).run()
        except SyncError:
            assert kind is not SyncClient, "a sync with a working network failed"

    def _word(self) -> str:
        return f"w{next(self.words)}"

    def _note(self, key: tuple[str, str, str], before: str, after: str) -> None:
        old, new = set(WORD.findall(before)), set(WORD.findall(after))
        self.written[key] |= new - old
        self.replaced[key] |= old - new

    def _live(self, svc: Services, model: Any, record_id: str) -> Any:
        with svc.store.reading() as session:
            row = session.get(model, record_id)
        return row if row is not None and row.deleted_at is None else None

    # --- edits -----------------------------------------------------------------------

    @rule(device=st.integers(0, 2), line=st.integers(0, 3), append=st.booleans())
    def edit_summary(self, device: int, line: int, append: bool) -> None:
        svc = self.devices[device]
        visit = self._live(svc, Visit, self.visit_id)
        if visit is None:
            return
        lines = visit.summary.splitlines(keepends=True)
        word = self._word() + "\n"
        if append or line >= len(lines):
            lines.append(word)
        else:
            lines[line] = word
        after = "".join(lines)
        update_visit(svc, self.visit_id, summary=after)
        self._note(("visits", self.visit_id, "summary"), visit.summary, after)

    @rule(device=st.integers(0, 2))
    def edit_author(self, device: int) -> None:
        svc = self.devices[device]
        visit = self._live(svc, Visit, self.visit_id)
        if visit is None:
            return
        after = self._word()
        update_visit(svc, self.visit_id, author=after)
        self._note(("visits", self.visit_id, "author"), visit.author, after)

    @rule(
        device=st.integers(0, 2),
        item=st.sampled_from(ITEMS),
        choice=st.sampled_from(["oui", "non", "na"]),
    )
    def answer(self, device: int, item: str, choice: str) -> None:
        svc = self.devices[device]
        record_id = natural_id("answer", self.visit_id, FORM, item)
        before = self._live(svc, Answer, record_id)
        comment = (before.comment if before else "") + self._word() + "\n"
        value = choice if item == "marche_exploratoire" else f"parcours {choice}"
        answer_item(svc, self.visit_id, FORM, item, value=value, comment=comment)
        self._note(("answers", record_id, "comment"), before.comment if before else "", comment)

    @rule(device=st.integers(0, 2))
    def add_recommendation(self, device: int) -> None:
        svc = self.devices[device]
        if self._live(svc, Visit, self.visit_id) is None:
            return
        text = self._word() + "\n"
        rec = add_recommendation(svc, self.visit_id, text)
        self._note(("recommendations", rec.id, "text"), "", text)

    def _recommendations(self, svc: Services) -> list[Recommendation]:
        with svc.store.reading() as session:
            return list(
                session.scalars(
                    select(Recommendation)
                    .where(Recommendation.deleted_at.is_(None))
                    .order_by(Recommendation.id)
                )
            )

    @rule(device=st.integers(0, 2), pick=st.integers(0, 5))
    def edit_recommendation(self, device: int, pick: int) -> None:
        svc = self.devices[device]
        recs = self._recommendations(svc)
        if not recs:
            return
        rec = recs[pick % len(recs)]
        after = rec.text + self._word() + "\n"
        update_recommendation(svc, rec.id, text=after)
        self._note(("recommendations", rec.id, "text"), rec.text, after)

    @rule(device=st.integers(0, 2), pick=st.integers(0, 5))
    def delete_recommendation(self, device: int, pick: int) -> None:
        svc = self.devices[device]
        recs = self._recommendations(svc)
        if recs:
            soft_delete(svc, "recommendation", recs[pick % len(recs)].id)

    # --- network and server ------------------------------------------------------------

    @rule(device=st.integers(0, 2))
    def toggle_network(self, device: int) -> None:
        self.online[device] = not self.online[device]

    @rule(device=st.integers(0, 2))
    def sync(self, device: int) -> None:
        self._sync(self.devices[device])

    @rule(device=st.integers(0, 2))
    def sync_answers_lost(self, device: int) -> None:
        self._sync(self.devices[device], DropsAnswers)

    @rule(device=st.integers(0, 2))
    def sync_requests_duplicated(self, device: int) -> None:
        self._sync(self.devices[device], Duplicates)

    @rule()
    def restart_server(self) -> None:
        self.app.state.ctx.db.close()
        self.app = self._start_server()
        self.http = TestClient(self.app)

    @invariant()
    def nothing_pending_is_lost_locally(self) -> None:
        # Between rounds, every laptop still has every record it ever had.
        for svc in self.devices:
            with svc.store.reading() as session:
                assert session.get(Visit, self.visit_id) is not None

    # --- the end: everyone syncs, then everything must agree ---------------------------

    def teardown(self) -> None:
        try:
            self._converge_and_check()
        finally:
            for svc in self.devices:
                svc.close()
            self.app.state.ctx.db.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _converge_and_check(self) -> None:
        self.online = [True, True, True]
        for _ in range(2):
            for svc in self.devices:
                SyncEngine(svc, self._client(svc)).run()
        on_server = server_snapshot(self.app.state.ctx.db)
        for svc in self.devices:
            assert _snapshot(svc) == on_server
        conflicts = _conflict_words(self.devices)
        for key, words in self.written.items():
            table, record_id, field = key
            final = on_server.get((table, record_id))
            assert final is not None, f"{key} never reached the server"
            present = set(WORD.findall(str(final[0].get(field) or "")))
            lost = words - present - conflicts[key] - self.replaced[key]
            assert not lost, f"words {sorted(lost)} of {key} were lost"


class _Clock:
    """Laptop clocks: one second per call, some of them hours off."""

    def __init__(self, offset: timedelta) -> None:
        from datetime import UTC, datetime

        self.now = datetime(2026, 11, 25, 9, tzinfo=UTC) + offset

    def __call__(self) -> Any:
        self.now += timedelta(seconds=1)
        return self.now


def _snapshot(svc: Services) -> dict[tuple[str, str], tuple[dict[str, Any], bool]]:
    out: dict[tuple[str, str], tuple[dict[str, Any], bool]] = {}
    with svc.store.reading() as session:
        for table, t in TABLE_OBJECTS.items():
            for row in session.execute(select(t)):
                assert not row.pending, f"{table} {row.id} still pending"
                out[(table, row.id)] = (row_fields(table, row), row.deleted_at is not None)
    return out


def _conflict_words(devices: list[Services]) -> defaultdict[tuple[str, str, str], set[str]]:
    words: defaultdict[tuple[str, str, str], set[str]] = defaultdict(set)
    for svc in devices:
        with svc.store.reading() as session:
            for c in session.scalars(select(SyncConflict)):
                for value in (c.local_value, c.remote_value, c.base_value):
                    words[(c.table_name, c.record_id, c.field_name)] |= set(
                        WORD.findall(str(value or ""))
                    )
    return words


# Inherits max_examples from the profile loaded by conftest.py ("dev" or "ci").
MultiDeviceSync.TestCase.settings = settings(stateful_step_count=30)


@pytest.mark.slow
class TestMultiDeviceSync(MultiDeviceSync.TestCase):  # type: ignore[name-defined]
    pass
