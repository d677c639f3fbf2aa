"""A disk that fills up, for real: the data dir on a small tmpfs, filled by a file.

Every write is one transaction: on a full disk it fails whole (SQLITE_FULL, or ENOSPC
for a file) with a French message, nothing is half-applied, everything already saved
still reads, and the same write succeeds once space is back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from safety_support import SmallDisk

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords, visit_fields
from fieldvisit.services import Services, answers, attachments, backups, notes, visits
from fieldvisit.services.deletion import soft_delete
from fieldvisit.store.errors import DiskFull
from fieldvisit.store.recovery import integrity_problems
from fieldvisit.sync.client import SyncClient
from fieldvisit.sync.session import login, sync_once

MB = 1024 * 1024
PASSWORD = "mot-de-passe-solide"
FORM = "visite-centre-bourg"
TEXT = "Rodéos motorisés le soir sur le parking de la salle des fêtes. " * 8


@pytest.fixture
def disk(small_disk: Callable[[int], SmallDisk]) -> SmallDisk:
    return small_disk(12 * MB)


@pytest.fixture
def laptop(disk: SmallDisk, communes) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    svc = Services.open(DataDir(disk.root / "data"))
    svc.__dict__["communes"] = communes
    yield svc
    svc.close()


def _full_visit(svc: Services) -> str:
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    for n in range(40):
        notes.add_quick_note(svc, visit.id, f"Note {n} : " + "tags sur le lavoir " * 20)
    answers.answer_item(svc, visit.id, FORM, "parcours", "Place de la mairie, halle, lavoir")
    return visit.id


def _live_notes(svc: Services, visit_id: str) -> int:
    return len(notes.list_quick_notes(svc, visit_id, include_moved=True))


def test_a_write_on_a_full_disk_fails_whole_and_works_once_space_is_back(
    laptop: Services, disk: SmallDisk
) -> None:
    visit_id = _full_visit(laptop)
    filler = disk.fill()
    assert disk.free() < 4096

    # Deleting the visit tombstones it and its 41 records in one transaction.
    with pytest.raises(DiskFull, match="Le disque est plein"):
        soft_delete(laptop, "visit", visit_id)

    assert visits.get_visit(laptop, visit_id).deleted_at is None  # nothing half-done
    assert _live_notes(laptop, visit_id) == 40
    assert [v.id for v in visits.list_visits(laptop)] == [visit_id]  # reads still work
    assert integrity_problems(laptop.data_dir.database, laptop.store.keys) == []

    filler.unlink()
    soft_delete(laptop, "visit", visit_id)  # the same write, retried
    assert visits.list_visits(laptop) == []
    assert _live_notes(laptop, visit_id) == 0


def test_typing_on_a_full_disk_is_refused_then_saved_when_space_is_back(
    laptop: Services, disk: SmallDisk
) -> None:
    visit_id = _full_visit(laptop)
    visits.update_visit(laptop, visit_id, summary="Premier jet")
    filler = disk.fill()
    long_text = "Réunion avec le maire et le commandant de brigade. " * 400
    with pytest.raises(DiskFull):
        visits.update_visit(laptop, visit_id, summary=long_text)
    assert visits.get_visit(laptop, visit_id).summary == "Premier jet"
    filler.unlink()
    visits.update_visit(laptop, visit_id, summary=long_text)
    assert visits.get_visit(laptop, visit_id).summary == long_text


def test_a_photo_on_a_full_disk_leaves_no_file_and_no_record(
    laptop: Services, disk: SmallDisk, tmp_path: Path
) -> None:
    visit_id = _full_visit(laptop)
    photo = tmp_path / "halle.png"  # off the small disk, like a photo on a USB key
    Image.effect_noise((900, 700), 80).convert("RGB").save(photo)
    before = sorted(p for p in laptop.data_dir.attachments.rglob("*") if p.is_file())
    filler = disk.fill()

    with pytest.raises(OSError) as failure:
        attachments.attach_photo(laptop, visit_id, photo, caption="La halle")

    assert failure.value.errno == 28
    assert attachments.list_attachments(laptop, visit_id) == []
    assert sorted(p for p in laptop.data_dir.attachments.rglob("*") if p.is_file()) == before
    filler.unlink()
    attachment = attachments.attach_photo(laptop, visit_id, photo, caption="La halle")
    assert laptop.store.files.read_bytes(attachment.sha256) == photo.read_bytes()


def test_a_backup_on_a_full_disk_is_not_made_and_leaves_nothing(
    laptop: Services, disk: SmallDisk
) -> None:
    _full_visit(laptop)
    # No free-space check before copying: the copy itself meets the full disk.
    reckless = backups.BackupPolicy(min_interval=timedelta(0), free_space_margin=-(10**12))
    good = backups.automatic_backup(laptop.store, backups.REASON_START, policy=reckless)
    assert good.kind == "made" and good.path is not None
    filler = disk.fill()

    outcome = backups.automatic_backup(laptop.store, backups.REASON_SYNC, policy=reckless)

    assert outcome.kind == "failed"
    assert "Le disque est plein" in outcome.message
    assert [p.name for p in laptop.data_dir.backups.iterdir()] == [good.path.name]
    filler.unlink()
    # The check before copying: a backup must leave 50 MB free, this disk has 12 MB.
    outcome = backups.automatic_backup(
        laptop.store, backups.REASON_SYNC, policy=backups.BackupPolicy(min_interval=timedelta(0))
    )
    assert outcome.kind == "failed" and "Pas assez de place" in outcome.message
    assert [p.name for p in laptop.data_dir.backups.iterdir()] == [good.path.name]


def test_a_sync_on_a_full_disk_applies_nothing_then_everything(
    laptop: Services, disk: SmallDisk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server-files",
        passwords=fast_passwords(),
    )
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    http = TestClient(app)
    # A colleague's 300 visits wait on the server.
    colleague = SyncClient("http://testserver", http=http)
    token = colleague.login("agent15", PASSWORD, "collegue", "collegue").token
    colleague = SyncClient("http://testserver", token, http=http)
    from fieldvisit.server.testing import change, push_body

    for start in range(0, 300, 100):
        body = push_body(
            "collegue",
            *[
                change(
                    "visits", f"0193f1a2-0000-7000-8000-{n:012d}", visit_fields(summary="x" * 500)
                )
                for n in range(start, start + 100)
            ],
        )
        assert (
            http.post(
                "/api/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
    login(laptop, "http://testserver", "agent15", PASSWORD, http=http)
    filler = disk.fill()

    with pytest.raises(DiskFull, match="Le disque est plein"):
        sync_once(laptop, http=http)

    assert visits.list_visits(laptop) == []  # the pull applied nothing
    filler.unlink()
    report = sync_once(laptop, http=http)
    assert report.pulled == 300
    assert len(visits.list_visits(laptop)) == 300
    ctx.db.close()


def test_the_command_line_says_the_disk_is_full(
    disk: SmallDisk, capsys: pytest.CaptureFixture[str]
) -> None:
    data = disk.root / "data"
    assert main(["--data-dir", str(data), "forms", "list"]) == 0
    capsys.readouterr()
    disk.fill()
    code = main(["--data-dir", str(data), "demo"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert "Le disque est plein" in err
    assert main(["--data-dir", str(data), "visits", "list"]) == 0  # reads still work
