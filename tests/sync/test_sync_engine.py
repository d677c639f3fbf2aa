"""Sync rounds between laptops and an in-process server: convergence, merge, faults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from fieldvisit.server.testing import server_snapshot
from fieldvisit.services.actions import add_recommendation, update_recommendation
from fieldvisit.services.answers import answer_item
from fieldvisit.services.attachments import attach_file
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.sync import engine as engine_module
from fieldvisit.sync.client import ConnectionLost, NotAuthenticated, SyncClient
from fieldvisit.sync.conflicts import resolve_conflict
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client

FORM = "visite-centre-bourg"
Make = Callable[..., Any]


def _engine(laptop: Any, client: Callable[..., SyncClient] = SyncClient) -> SyncEngine:
    """An engine whose client is `client(server_url, token, http=…)`: a fault injector is
    made anew for each engine, so what it counts belongs to this test alone."""
    base = configured_client(laptop.svc, http=laptop.http)
    return SyncEngine(laptop.svc, client(base.server_url, base.token, http=laptop.http))


def _converged(server: FastAPI, *laptops: Any) -> None:
    on_server = server_snapshot(server.state.ctx.db)
    for laptop in laptops:
        assert laptop.pending() == 0
        assert laptop.snapshot() == on_server


def _photo(tmp_path: Path, name: str = "place.jpg", size: tuple[int, int] = (64, 48)) -> Path:
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", size, (120, 160, 200)).save(path, format="JPEG")
    return path


def test_a_visit_made_offline_reaches_another_laptop_with_its_photo(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="Claire")
    answer_item(a.svc, visit.id, FORM, "parcours", value="Place, rue Haute")
    add_recommendation(a.svc, visit.id, "Éclairer le parking")
    attachment = attach_file(a.svc, visit.id, _photo(tmp_path))
    report = a.sync()
    assert report.uploaded_files == 1 and report.rejected == []
    assert b.sync().pulled == len(server_snapshot(server.state.ctx.db))
    _converged(server, a, b)
    _engine(b).download_attachment(attachment.sha256)
    assert b.svc.store.files.read_bytes(attachment.sha256) == a.svc.store.files.read_bytes(
        attachment.sha256
    )


def test_different_fields_edited_on_two_laptops_both_survive(
    laptops: Make, server: FastAPI
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    b.sync()
    update_visit(a.svc, visit.id, author="Claire")
    update_visit(b.svc, visit.id, summary="Bourg calme")
    a.sync()
    assert b.sync().conflicts == 0
    a.sync()
    _converged(server, a, b)
    fields, _ = server_snapshot(server.state.ctx.db)[("visits", visit.id)]
    assert (fields["author"], fields["summary"]) == ("Claire", "Bourg calme")


def test_same_long_text_edited_on_different_lines_merges(laptops: Make, server: FastAPI) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    update_visit(a.svc, visit.id, summary="Constat\nÉclairage\nRues\nCaméras\n")
    a.sync()
    b.sync()
    update_visit(a.svc, visit.id, summary="Constat\nÉclairage faible\nRues\nCaméras\n")
    update_visit(b.svc, visit.id, summary="Constat\nÉclairage\nRues\nCaméras : 2\n")
    a.sync()
    assert b.sync().conflicts == 0
    a.sync()
    _converged(server, a, b)
    fields, _ = server_snapshot(server.state.ctx.db)[("visits", visit.id)]
    assert fields["summary"] == "Constat\nÉclairage faible\nRues\nCaméras : 2\n"


def test_same_field_conflict_keeps_both_values_until_the_person_chooses(
    laptops: Make, server: FastAPI
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    b.sync()
    update_visit(a.svc, visit.id, author="Claire")
    update_visit(b.svc, visit.id, author="Karim")
    a.sync()
    assert b.sync().conflicts == 1
    [conflict] = b.conflicts()
    assert (conflict.field_name, conflict.local_value, conflict.remote_value) == (
        "author",
        "Karim",
        "Claire",
    )
    _converged(server, a, b)  # the server's value stays until someone decides
    resolve_conflict(b.svc, conflict.id, "local")
    b.sync()
    a.sync()
    _converged(server, a, b)
    assert server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]["author"] == "Karim"
    assert b.conflicts() == []


def test_edit_beats_delete_on_either_side(laptops: Make, server: FastAPI) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    first = add_recommendation(a.svc, visit.id, "Vidéoprotection")
    second = add_recommendation(a.svc, visit.id, "Participation citoyenne")
    a.sync()
    b.sync()
    soft_delete(a.svc, "recommendation", first.id)
    update_recommendation(b.svc, first.id, text="Vidéoprotection du parking")
    update_recommendation(a.svc, second.id, text="Participation citoyenne : relancer")
    soft_delete(b.svc, "recommendation", second.id)
    a.sync()
    b.sync()
    a.sync()
    _converged(server, a, b)
    snap = server_snapshot(server.state.ctx.db)
    assert snap[("recommendations", first.id)][1] is False
    assert snap[("recommendations", first.id)][0]["text"] == "Vidéoprotection du parking"
    assert snap[("recommendations", second.id)][1] is False
    kinds = [c.kind for c in a.conflicts() + b.conflicts()]
    assert kinds.count("delete") == 2


def test_the_same_item_answered_on_two_laptops_is_one_record(
    laptops: Make, server: FastAPI
) -> None:
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    b.sync()
    answer_item(a.svc, visit.id, FORM, "marche_exploratoire", value="oui")
    answer_item(b.svc, visit.id, FORM, "marche_exploratoire", value="non", comment="pluie")
    answer_item(b.svc, visit.id, FORM, "parcours", value="Mairie")
    a.sync()
    b.sync()
    a.sync()
    _converged(server, a, b)
    answers = [k for k in server_snapshot(server.state.ctx.db) if k[0] == "answers"]
    assert len(answers) == 2
    [conflict] = b.conflicts()
    assert (conflict.local_value, conflict.remote_value) == ("non", "oui")


class LosesPushAnswers(SyncClient):
    """The server applies the push but its answer is lost, once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lost = 0  # per instance: each test (and parametrisation) gets its fault

    def push(self, batch):  # type: ignore[no-untyped-def]
        result = super().push(batch)
        if self.lost == 0:
            self.lost += 1
            raise ConnectionLost("coupure simulée")
        return result


def test_a_lost_push_answer_is_retried_without_duplicates(laptops: Make, server: FastAPI) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    add_recommendation(a.svc, visit.id, "Éclairer")
    engine = _engine(a, LosesPushAnswers)
    report = engine.run()
    assert engine.client.lost == 1 and report.pushed == 2  # type: ignore[attr-defined]
    _converged(server, a)
    assert all(v == 1 for v in _versions(server).values())


def _versions(server: FastAPI) -> dict[str, int]:
    from sqlalchemy import select

    from fieldvisit.server.models import Record

    with server.state.ctx.db.reading() as session:
        return {r.record_id: r.version for r in session.scalars(select(Record))}


class EditsDuringPush(SyncClient):
    """The person types while the push is on its way (once)."""

    def __init__(self, *args: Any, svc: Any, visit_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.svc, self.visit_id = svc, visit_id
        self.typed = 0

    def push(self, batch):  # type: ignore[no-untyped-def]
        result = super().push(batch)
        if self.typed == 0:
            self.typed += 1
            update_visit(self.svc, self.visit_id, summary="tapé pendant")
        return result


def test_an_edit_made_during_the_push_stays_pending(laptops: Make, server: FastAPI) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    engine = _engine(a, partial(EditsDuringPush, svc=a.svc, visit_id=visit.id))
    engine.run()
    assert engine.client.typed == 1  # type: ignore[attr-defined]
    assert a.pending() == 1
    a.sync()
    _converged(server, a)
    assert server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]["summary"] == (
        "tapé pendant"
    )


class CutsUploads(SyncClient):
    """The connection drops after every second chunk has reached the server."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.cuts = 0

    def upload_chunk(self, sha256, offset, size, data):  # type: ignore[no-untyped-def]
        status = super().upload_chunk(sha256, offset, size, data)
        self.calls += 1
        if self.calls % 2 == 0:
            self.cuts += 1
            raise ConnectionLost("coupure simulée")
        return status


def test_an_upload_cut_mid_way_resumes_and_is_hash_checked(
    laptops: Make, server: FastAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "CHUNK_BYTES", 256)
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    photo = _photo(tmp_path, size=(400, 300))
    attachment = attach_file(a.svc, visit.id, photo)
    engine = _engine(a, CutsUploads)
    report = engine.run()
    assert engine.client.cuts >= 2 and report.rejected == []  # type: ignore[attr-defined]
    b.sync()
    _converged(server, a, b)
    stored = server.state.ctx.blobs.object_path(attachment.sha256)
    assert stored.read_bytes() == photo.read_bytes()


class FailsSecondPage(SyncClient):
    def pull(self, after, limit):  # type: ignore[no-untyped-def]
        if after > 0:
            raise ConnectionLost("coupure simulée")
        return super().pull(after, limit)


def test_a_pull_cut_mid_way_changes_nothing_locally(laptops: Make, server: FastAPI) -> None:
    a, b = laptops("a"), laptops("b")
    for _ in range(3):
        plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    engine = _engine(b, FailsSecondPage)
    engine.page_size = 2
    before = b.snapshot()
    with pytest.raises(ConnectionLost):
        engine.run()
    assert b.snapshot() == before
    b.sync()
    _converged(server, a, b)


def test_a_laptop_clock_hours_off_changes_nothing(laptops: Make, server: FastAPI) -> None:
    a = laptops("a")
    late = laptops("late", clock_offset=timedelta(hours=-7))
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    late.sync()
    update_visit(a.svc, visit.id, author="Claire")
    a.sync()
    update_visit(late.svc, visit.id, summary="écrit plus tard, horloge en retard")
    late.sync()
    a.sync()
    _converged(server, a, late)
    fields = server_snapshot(server.state.ctx.db)[("visits", visit.id)][0]
    assert fields["author"] == "Claire" and fields["summary"].startswith("écrit plus tard")


def test_a_record_outside_the_users_territories_is_refused_and_kept(
    laptops: Make, server: FastAPI
) -> None:
    a = laptops("a", user="agent15")
    visit = plan_visit(a.svc, "43157", date(2026, 3, 14))  # Haute-Loire: not agent15's
    report = a.sync()
    assert len(report.rejected) == 1 and "territoire" in report.rejected[0]
    assert a.pending() == 1  # nothing lost: it waits here
    assert ("visits", visit.id) not in server_snapshot(server.state.ctx.db)


def test_a_revoked_device_gets_a_clear_error(laptops: Make, server: FastAPI) -> None:
    a = laptops("a")
    configured_client(a.svc, http=a.http).logout()
    with pytest.raises(NotAuthenticated, match="reconnectez-vous"):
        a.sync()


def test_a_coordinator_sees_every_territory_of_theirs(laptops: Make, server: FastAPI) -> None:
    a15, a43, coord = laptops("a15"), laptops("a43", user="agent43"), laptops("c", user="coord")
    plan_visit(a15.svc, "15187", date(2026, 3, 14))
    plan_visit(a43.svc, "43157", date(2026, 3, 14))
    a15.sync()
    a43.sync()
    coord.sync()
    assert len(coord.snapshot()) == 2
    assert len(a15.snapshot()) == 1
    a15.sync()
    assert len(a15.snapshot()) == 1


def test_forms_published_on_the_server_are_pulled(laptops: Make, server: FastAPI) -> None:
    from fieldvisit.assets import shipped_forms_dir

    admin = laptops("admin", user="admin")
    text = (shipped_forms_dir() / "visite-centre-bourg.v1.toml").read_text(encoding="utf-8")
    v2 = text.replace("version = 1", "version = 2", 1)
    client = configured_client(admin.svc, http=admin.http)
    answer = admin.http.put(
        "/api/v1/forms/visite-centre-bourg/2",
        content=v2.encode(),
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert answer.status_code == 201, answer.text
    agent = laptops("agent")
    assert agent.sync().forms == 1
    assert (agent.svc.data_dir.forms / "visite-centre-bourg.v2.toml").read_text() == v2
    assert agent.sync().forms == 0


def test_status_counts_pending_changes_and_conflicts(laptops: Make, server: FastAPI) -> None:
    from fieldvisit.sync.status import sync_status

    a, b = laptops("a"), laptops("b")
    assert sync_status(a.svc).configured and sync_status(a.svc).last_sync_at is None
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    assert sync_status(a.svc).pending == 1
    a.sync()
    b.sync()
    update_visit(a.svc, visit.id, author="Claire")
    update_visit(b.svc, visit.id, author="Karim")
    a.sync()
    b.sync()
    status = sync_status(b.svc)
    assert (status.pending, status.conflicts, status.last_error) == (0, 1, None)
    assert status.last_sync_at is not None


def test_a_newly_granted_territory_brings_its_older_records(laptops: Make, server: FastAPI) -> None:
    from sqlalchemy import update

    from fieldvisit.server.models import User

    a43 = laptops("a43", user="agent43")
    old = plan_visit(a43.svc, "43157", date(2026, 3, 14))
    a43.sync()
    a15 = laptops("a15")
    plan_visit(a15.svc, "15187", date(2026, 3, 14))
    a15.sync()
    assert ("visits", old.id) not in a15.snapshot()
    with server.state.ctx.db.transaction() as session:
        session.execute(update(User).where(User.username == "agent15").values(territories="15,43"))
    a15.sync()
    assert ("visits", old.id) in a15.snapshot()
    _converged(server, a15)
