"""The encryption key on the command line: FIELDVISIT_PASSPHRASE for scripts, French
messages and exit code 2 without the key, `fieldvisit passphrase change`."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import keyring
import pytest

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.security import keysource
from fieldvisit.security.keyfile import FAST_TEST_KDF, read_key_file
from fieldvisit.security.keysource import KEYRING_SERVICE, KeySource, terminal_ask
from fieldvisit.store import open_store

OLD, NEW = "phrase de passe du script", "nouvelle phrase du script"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def _cheap_argon2_and_no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """This computer has no keyring; new passphrases use cheap argon2 parameters."""
    monkeypatch.setattr(
        keysource,
        "default_key_source",
        lambda: KeySource(terminal_ask, keyring=None, kdf=FAST_TEST_KDF),
    )


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> DataDir:  # type: ignore[no-untyped-def]
    """A data dir encrypted by the passphrase OLD, with the demo visits."""
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", OLD)
    data_dir = DataDir(tmp_path / "data")
    assert main(["--data-dir", str(data_dir.root), "demo"]) == 0
    monkeypatch.delenv("FIELDVISIT_PASSPHRASE")
    capsys.readouterr()
    return data_dir


def test_a_script_opens_with_fieldvisit_passphrase(
    capsys, locked: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", OLD)
    code, out, _ = run(capsys, "--data-dir", str(locked.root), "visits", "list")
    assert code == 0 and "Saint-Flour" in out


def test_without_the_passphrase_exit_2_with_a_french_message_and_nothing_changed(
    capsys, locked: DataDir
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(locked.root)
    code, out, err = run(capsys, "--data-dir", str(locked.root), "visits", "list")
    assert (code, out) == (2, "")
    assert "est chiffré par une phrase de passe" in err and "FIELDVISIT_PASSPHRASE" in err
    assert "Traceback" not in err
    assert snapshot(locked.root) == before


def test_a_wrong_passphrase_exit_2_and_nothing_changed(
    capsys, locked: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(locked.root)
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", "ce n'est pas elle")
    code, _, err = run(capsys, "--data-dir", str(locked.root), "visits", "list")
    assert code == 2
    assert err.startswith("fieldvisit : Phrase de passe incorrecte") and "Traceback" not in err
    assert snapshot(locked.root) == before


def test_passphrase_change_then_the_old_one_no_longer_opens(
    capsys, locked: DataDir, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    database = locked.database.read_bytes()
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", OLD)
    monkeypatch.setenv("FIELDVISIT_NEW_PASSPHRASE", "court")
    code, _, err = run(capsys, "--data-dir", str(locked.root), "passphrase", "change")
    assert code == 2 and "au moins 8 caractères" in err
    monkeypatch.setenv("FIELDVISIT_NEW_PASSPHRASE", NEW)
    code, _, err = run(capsys, "--data-dir", str(locked.root), "passphrase", "change")
    assert code == 0 and "l'ancienne n'ouvre plus" in err
    assert locked.database.read_bytes() == database  # only the key file was rewritten

    code, _, err = run(capsys, "--data-dir", str(locked.root), "visits", "list")
    assert code == 2 and "Phrase de passe incorrecte" in err  # OLD is still in the env
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", NEW)
    code, out, _ = run(capsys, "--data-dir", str(locked.root), "visits", "list")
    assert code == 0 and "Saint-Flour" in out


def test_with_the_key_in_the_keyring_passphrase_change_sets_a_recovery_passphrase(
    capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(
        keysource, "default_key_source", lambda: KeySource(terminal_ask, kdf=FAST_TEST_KDF)
    )
    data_dir = DataDir(tmp_path / "data")
    store = open_store(data_dir)  # the test keyring keeps the key
    store.close()
    monkeypatch.setenv("FIELDVISIT_NEW_PASSPHRASE", NEW)
    code, _, err = run(capsys, "--data-dir", str(data_dir.root), "passphrase", "change")
    assert code == 0 and "Phrase de passe définie" in err
    key_file = read_key_file(data_dir.key_file)
    assert key_file is not None and key_file.in_keyring and key_file.passphrase is not None
    keyring.get_keyring().delete_password(KEYRING_SERVICE, key_file.key_id)  # keyring lost
    code, _, err = run(capsys, "--data-dir", str(data_dir.root), "visits", "list")
    assert code == 2 and "phrase de passe" in err
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", NEW)
    assert run(capsys, "--data-dir", str(data_dir.root), "visits", "list")[0] == 0


def test_a_process_without_keyring_nor_passphrase_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "nouveau"
    result = subprocess.run(
        [sys.executable, "-m", "fieldvisit", "--data-dir", str(target), "visits", "list"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home")},
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 2
    assert "Aucun trousseau du système" in result.stderr and "Traceback" not in result.stderr
    assert not (target / "fieldvisit.sqlite3").exists()
    assert not (target / "fieldvisit.key").exists()
