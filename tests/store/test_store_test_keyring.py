"""The tests' file keyring keeps every key when data dirs are made at the same time.

A data dir's key lives in the test keyring; a lost key makes that data dir unreadable
(« La clé de chiffrement … est introuvable »), which once failed the multi-device
property test on a loaded machine: two writers each read the file, added their key
and wrote it back, and the second write dropped the first key."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from fieldvisit.security.testing import ENV_FILE, FileKeyring

WRITERS = 4
KEYS_EACH = 40


def _write_keys(writer: int, start: threading.Barrier | None = None) -> None:
    keyring = FileKeyring()
    if start is not None:
        start.wait()
    for n in range(KEYS_EACH):
        keyring.set_password("fieldvisit-test", f"writer{writer}-key{n}", f"secret-{writer}-{n}")


def test_keys_written_by_several_processes_at_once_are_all_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_FILE, str(tmp_path / "keyring.json"))
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_write_keys, args=(w,)) for w in range(WRITERS)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0
    keyring = FileKeyring()
    for writer in range(WRITERS):
        for n in range(KEYS_EACH):
            found = keyring.get_password("fieldvisit-test", f"writer{writer}-key{n}")
            assert found == f"secret-{writer}-{n}"


def test_keys_written_by_several_threads_at_once_are_all_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_FILE, str(tmp_path / "keyring.json"))
    start = threading.Barrier(WRITERS)
    threads = [threading.Thread(target=_write_keys, args=(w, start)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    keyring = FileKeyring()
    kept = sum(
        keyring.get_password("fieldvisit-test", f"writer{w}-key{n}") is not None
        for w in range(WRITERS)
        for n in range(KEYS_EACH)
    )
    assert kept == WRITERS * KEYS_EACH
