"""A laptop syncs with a server whose disk is full, for real: the server's database and
files on a small tmpfs (mounted for the test, needs root as CI runs), filled by a file.
The laptop says so in French (the server's disk, not « erreur 500 »), keeps every
change pending, and sends everything once the server has space again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords, serve, server_snapshot
from fieldvisit.services import Services
from fieldvisit.services.attachments import attach_photo
from fieldvisit.services.visits import plan_visit, update_visit
from fieldvisit.sync.client import ServerFull
from fieldvisit.sync.session import login, sync_once
from safety.safety_support import SmallDisk, mount_small_disks

MB = 1024 * 1024
PASSWORD = "mot-de-passe-solide"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with mount_small_disks(tmp_path) as make:
        yield make(8 * MB)


@pytest.fixture(autouse=True)
def _file_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")


def test_a_full_server_disk_is_said_clearly_and_nothing_is_lost(
    disk: SmallDisk,
    tmp_path: Path,
    communes,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    app = create_app(
        f"sqlite+pysqlite:///{disk.root / 'server.sqlite3'}",
        disk.root / "files",
        passwords=fast_passwords(),
    )
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    svc = Services.open(DataDir(tmp_path / "laptop"))
    svc.__dict__["communes"] = communes
    visit = plan_visit(svc, "15187", date(2026, 11, 20), author="Agent 15")
    update_visit(svc, visit.id, summary="Parking de la salle des fêtes : rodéos le soir.")
    photo = tmp_path / "place.jpg"
    Image.new("RGB", (320, 240), (120, 80, 40)).save(photo, quality=95)
    attach_photo(svc, visit.id, photo, caption="Place d'Armes")
    try:
        with serve(app) as url:
            login(svc, url, "agent15", PASSWORD, device_name="portable")
            filler = disk.fill()

            with pytest.raises(ServerFull) as raised:
                sync_once(svc)
            message = str(raised.value)
            assert "n'a plus de place" in message and "rien n'est perdu" in message
            assert "500" not in message
            capsys.readouterr()
            code = main(["--data-dir", str(svc.data_dir.root), "sync"])
            err = capsys.readouterr().err
            assert code == 1 and "n'a plus de place" in err, err
            assert not any(table == "visits" for table, _ in server_snapshot(ctx.db))

            filler.unlink()
            report = sync_once(svc)
            assert report.rejected == [] and report.uploaded_files == 1
    finally:
        svc.close()
    held = server_snapshot(ctx.db)
    assert held[("visits", visit.id)][0]["summary"].startswith("Parking")
    assert sum(1 for table, _ in held if table == "attachments") == 1
    ctx.db.close()
