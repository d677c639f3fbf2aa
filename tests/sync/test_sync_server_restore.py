"""The server restored from an earlier backup: laptops notice, re-offer what it lost,
and everyone converges with nothing lost — a fresh laptop gets everything.

Real laptops (data dirs, services, the engine) against the in-process server on
SQLite and PostgreSQL; the backup and the restore are `server/testing.py`'s snapshot
helpers, which do what `fieldvisit-server backup|restore` (or pg_dump, pg_restore and
`fieldvisit-server restored`) do to the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from fieldvisit.server.testing import restore_server, server_snapshot, snapshot_server
from fieldvisit.services.actions import add_recommendation
from fieldvisit.services.answers import answer_item
from fieldvisit.services.attachments import attach_file
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.visits import get_visit, plan_visit, update_visit
from fieldvisit.store.models import Answer, Attachment, Recommendation, natural_id
from fieldvisit.sync.engine import SyncEngine
from fieldvisit.sync.session import configured_client

FORM = "visite-centre-bourg"
Make = Callable[..., Any]


def _photo(tmp_path: Path, name: str, colour: tuple[int, int, int]) -> Path:
    from PIL import Image

    path = tmp_path / name
    Image.new("RGB", (64, 48), colour).save(path, format="JPEG")
    return path


def _converged(server: FastAPI, *laptops: Any) -> dict[tuple[str, str], Any]:
    on_server = server_snapshot(server.state.ctx.db)
    for laptop in laptops:
        assert laptop.pending() == 0
        assert laptop.conflicts() == []  # the same data re-offered twice is no conflict
        assert laptop.snapshot() == on_server
    return on_server


def test_three_laptops_after_a_restore_converge_and_nothing_is_lost(
    laptops: Make, server: FastAPI, tmp_path: Path
) -> None:
    a, b, d = laptops("a"), laptops("b"), laptops("d", "coord")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="")
    answer_id = natural_id("answer", visit.id, FORM, "marche_exploratoire")
    answer_item(a.svc, visit.id, FORM, "marche_exploratoire", value="oui")
    attach_file(a.svc, visit.id, _photo(tmp_path, "halle.jpg", (120, 160, 200)))
    for laptop in (a, b, d):
        laptop.sync()
    db = server.state.ctx.db
    backup = snapshot_server(db)  # the night's backup

    # The next day: A and B keep working and syncing; D (a coordinator) stays offline.
    update_visit(a.svc, visit.id, summary="Halle à rénover, ruelle sombre")
    recommendation = add_recommendation(a.svc, visit.id, "Éclairer la ruelle du marché")
    second = attach_file(a.svc, visit.id, _photo(tmp_path, "ruelle.jpg", (30, 40, 50)))
    later = plan_visit(a.svc, "15187", date(2026, 4, 2))
    a.sync()
    b.sync()
    soft_delete(b.svc, "answer", answer_id)
    b.sync()
    a.sync()
    update_visit(a.svc, visit.id, author="Claire Martin")  # typed offline: pending

    restore_server(db, backup)  # the disk died; yesterday's backup is put back

    # D knew only yesterday's state: its change goes first, on the restored server.
    update_visit(d.svc, visit.id, visit_date=date(2026, 3, 15))
    report_d = d.sync()
    assert report_d.server_restored and report_d.reoffered == 0
    report_a = a.sync()
    assert report_a.server_restored and report_a.reoffered >= 5
    assert "restauré depuis une sauvegarde" in report_a.notices[0]
    report_b = b.sync()
    assert report_b.server_restored
    fresh = laptops("fresh")
    for laptop in (d, a, b, fresh, d, a, b, fresh):
        laptop.sync()
    on_server = _converged(server, a, b, d, fresh)

    # Nothing lost: the lost changes, the one typed offline, and D's, merged.
    kept = get_visit(fresh.svc, visit.id)
    assert kept.summary == "Halle à rénover, ruelle sombre"
    assert kept.author == "Claire Martin"
    assert kept.visit_date == date(2026, 3, 15)
    assert on_server[("recommendations", recommendation.id)][0]["text"] == (
        "Éclairer la ruelle du marché"
    )
    assert on_server[("visits", later.id)][1] is False
    assert on_server[("answers", answer_id)][1] is True  # B's deletion is kept too
    with fresh.svc.store.reading() as session:
        assert session.get(Recommendation, recommendation.id) is not None
        assert session.get(Answer, answer_id).deleted_at is not None
        photos = session.scalars(select(Attachment.sha256)).all()
    assert second.sha256 in photos
    for laptop in (fresh, d):  # the files came back to the server with their records
        engine = SyncEngine(laptop.svc, configured_client(laptop.svc, http=laptop.http))
        for sha in photos:
            engine.download_attachment(sha)
            assert laptop.svc.store.files.read_bytes(sha) == a.svc.store.files.read_bytes(sha)


def test_a_lost_change_merges_with_one_made_after_the_restore(
    laptops: Make, server: FastAPI
) -> None:
    """A's summary was lost by the restore; D changed the author on the restored
    server meanwhile: A's summary goes on top of D's version, merged three-way against
    the restored one — both are kept, no conflict."""
    a, d = laptops("a"), laptops("d", "coord")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    d.sync()
    db = server.state.ctx.db
    backup = snapshot_server(db)
    update_visit(a.svc, visit.id, summary="Rue piétonne envisagée")
    a.sync()
    restore_server(db, backup)
    update_visit(d.svc, visit.id, author="Lucie Besse")
    d.sync()
    a.sync()
    d.sync()
    on_server = _converged(server, a, d)
    fields = on_server[("visits", visit.id)][0]
    assert (fields["summary"], fields["author"]) == ("Rue piétonne envisagée", "Lucie Besse")


def test_a_cursor_beyond_the_servers_sequence_is_noticed_too(
    laptops: Make, server: FastAPI
) -> None:
    """A restore that did not change the epoch (a database copied back by hand while
    the server ran): the laptop's cursor is beyond the server's sequence."""
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    a.sync()
    db = server.state.ctx.db
    backup = snapshot_server(db)
    update_visit(a.svc, visit.id, summary="Marché du samedi à déplacer")
    add_recommendation(a.svc, visit.id, "Déplacer le marché sur la place")
    a.sync()
    a.sync()  # its cursor now includes its own changes
    restore_server(db, backup, renew=False)
    report = a.sync()
    assert report.server_restored and report.reoffered == 2
    b.sync()
    on_server = _converged(server, a, b)
    assert on_server[("visits", visit.id)][0]["summary"] == "Marché du samedi à déplacer"


def test_a_laptop_that_missed_nothing_just_pulls_again(laptops: Make, server: FastAPI) -> None:
    a = laptops("a")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14), author="Claire")
    a.sync()
    db = server.state.ctx.db
    restore_server(db, snapshot_server(db))
    report = a.sync()
    assert report.server_restored and report.reoffered == 0 and report.pushed == 0
    assert "il avait déjà tout" in report.notices[0]
    assert not a.sync().server_restored  # once
    assert get_visit(a.svc, visit.id).author == "Claire"
    _converged(server, a)
