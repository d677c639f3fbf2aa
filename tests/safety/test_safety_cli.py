"""`fieldvisit backup` and `fieldvisit restore`, and what a command says when the
database is damaged: French messages on stderr, exit code 2 for bad input."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from safety_support import damage_page

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, visits
from fieldvisit.services.backups import list_backups
from fieldvisit.store.connection import SQLITE_HEADER
from fieldvisit.store.recovery import set_aside_folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path, communes) -> DataDir:  # type: ignore[no-untyped-def]
    """A data dir with one visit whose summary says where we are."""
    data_dir = DataDir(tmp_path / "data")
    svc = Services.open(data_dir)
    svc.__dict__["communes"] = communes
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    visits.update_visit(svc, visit.id, summary="avant")
    svc.close()
    return data_dir


def summary(data_dir: DataDir) -> str:
    svc = Services.open(data_dir)
    try:
        (visit,) = visits.list_visits(svc)
        return visits.get_visit(svc, visit.id).summary
    finally:
        svc.close()


def set_summary(data_dir: DataDir, text: str) -> None:
    svc = Services.open(data_dir)
    try:
        (visit,) = visits.list_visits(svc)
        visits.update_visit(svc, visit.id, summary=text)
    finally:
        svc.close()


def test_backup_then_restore_round_trip(capsys, data: DataDir) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "--data-dir", str(data.root), "backup")
    assert code == 0, err
    assert "Sauvegarde écrite" in err and "chiffrée" in err
    (backup,) = list_backups(data.backups)
    assert backup.reason == "manuelle"
    assert not backup.path.read_bytes().startswith(SQLITE_HEADER)

    code, out, _ = run(capsys, "--data-dir", str(data.root), "backup", "--list")
    assert code == 0 and str(backup.path) in out and "manuelle" in out

    set_summary(data, "après")
    code, _, err = run(
        capsys, "--data-dir", str(data.root), "restore", str(backup.path), "--without-pending"
    )
    assert code == 0, err
    assert "restaurée" in err and "mis-de-cote" in err
    assert summary(data) == "avant"
    (aside,) = [p for p in set_aside_folder(data).iterdir() if p.name.endswith(".sqlite3")]
    assert "avant-restauration" in aside.name


def test_restore_keeps_the_changes_not_yet_sent(capsys, data: DataDir) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, "--data-dir", str(data.root), "backup")[0] == 0
    (backup,) = list_backups(data.backups)
    set_summary(data, "après")
    code, _, err = run(capsys, "--data-dir", str(data.root), "restore", str(backup.path))
    assert code == 0, err
    assert "1 modification(s) reprise(s)" in err
    assert summary(data) == "après"


def test_backup_to_a_file(capsys, data: DataDir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "clé-usb" / "fieldvisit-copie.sqlite3"
    code, _, err = run(capsys, "--data-dir", str(data.root), "backup", "-o", str(target))
    assert code == 2 and "n'existe pas" in err  # the folder
    target.parent.mkdir()
    code, _, err = run(capsys, "--data-dir", str(data.root), "backup", "-o", str(target))
    assert code == 0, err
    assert target.is_file() and list_backups(data.backups) == []
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    code, _, err = run(capsys, "--data-dir", str(data.root), "backup", "-o", str(target))
    assert code == 2 and "existe déjà" in err
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_restore_refuses_bad_files_with_a_french_message(
    capsys, data: DataDir, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = hashlib.sha256(data.database.read_bytes()).hexdigest()
    code, _, err = run(capsys, "--data-dir", str(data.root), "restore", str(tmp_path / "nope"))
    assert code == 2 and "n'existe pas" in err
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"\x8f" * 8192)
    code, _, err = run(capsys, "--data-dir", str(data.root), "restore", str(other))
    assert code == 2 and "ne s'ouvre pas avec la clé de ce dossier" in err
    assert run(capsys, "--data-dir", str(data.root), "backup")[0] == 0
    (backup,) = list_backups(data.backups)
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "fresh"), "restore", str(backup.path))
    assert code == 2 and "fichier de clé" in err
    assert hashlib.sha256(data.database.read_bytes()).hexdigest() == before
    assert not set_aside_folder(data).exists()
    code, _, err = run(capsys, "--data-dir", str(data.root), "backup", "--list", "-o", "x")
    assert code == 2 and "ne vont pas ensemble" in err


def test_restore_is_refused_while_the_app_has_the_database_open(capsys, data: DataDir) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, "--data-dir", str(data.root), "backup")[0] == 0
    (backup,) = list_backups(data.backups)
    # Another process has it open (the app, a sync): a child that reads and waits.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from pathlib import Path\n"
            "from fieldvisit.paths import DataDir\n"
            "from fieldvisit.services import Services, visits\n"
            "svc = Services.open(DataDir(Path(sys.argv[1])))\n"
            "visits.list_visits(svc)\n"
            "print('ready', flush=True)\n"
            "sys.stdin.readline()\n",
            str(data.root),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, _, err = run(capsys, "--data-dir", str(data.root), "restore", str(backup.path))
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    assert code == 2
    assert "ouverte par un autre programme" in err and "Rien n'a été modifié" in err
    assert not set_aside_folder(data).exists()


def test_a_damaged_database_names_the_backup_to_restore(capsys, data: DataDir) -> None:  # type: ignore[no-untyped-def]
    assert run(capsys, "--data-dir", str(data.root), "backup")[0] == 0
    (backup,) = list_backups(data.backups)
    set_summary(data, "après la sauvegarde")
    damage_page(data.database, 1)

    code, _, err = run(capsys, "--data-dir", str(data.root), "visits", "list")

    assert code == 2
    assert "fieldvisit : " in err and "endommagée" in err
    assert f"restore {backup.path}" in err
    assert "mis de côté" in err or "mise de côté" in err

    code, _, err = run(capsys, "--data-dir", str(data.root), "restore", str(backup.path))
    assert code == 0, err
    assert "Rien n'a pu être lu dans la base endommagée" in err
    (aside,) = [p for p in set_aside_folder(data).iterdir() if p.name.endswith(".sqlite3")]
    assert "endommagee" in aside.name
    assert summary(data) == "avant"
    code, out, _ = run(capsys, "--data-dir", str(data.root), "visits", "list")
    assert code == 0 and "Saint-Flour" in out


def test_a_damaged_database_without_backup_says_so(capsys, data: DataDir) -> None:  # type: ignore[no-untyped-def]
    damage_page(data.database, 1)
    code, _, err = run(capsys, "--data-dir", str(data.root), "visits", "list")
    assert code == 2 and "Aucune sauvegarde dans" in err
