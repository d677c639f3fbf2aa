"""Shared fixtures: every test gets its own data dir under tmp_path; Qt runs offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldvisit.paths import DataDir
from fieldvisit.security.testing import use_file_keyring

pytest_plugins = ["service_fixtures"]  # test_forms, open_services, svc, photo


@pytest.fixture(scope="session", autouse=True)
def _session_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Encryption keys go to a test keyring file that child processes use too, never to
    the OS keyring: data dirs of tests keep their key "in the keyring" by default. One
    file for the session, so that module-scoped data dirs can be opened by any test."""
    with pytest.MonkeyPatch.context() as patch:
        keyring_file = tmp_path_factory.mktemp("keyring") / "test-keyring.json"
        for name, value in use_file_keyring(keyring_file).items():
            patch.setenv(name, value)
        yield


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the real user's data dir or settings."""
    monkeypatch.setenv("FIELDVISIT_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("FIELDVISIT_LOG_DIR", str(tmp_path / "logs"))  # and crash traces
    monkeypatch.delenv("FIELDVISIT_PASSPHRASE", raising=False)
    monkeypatch.delenv("FIELDVISIT_NEW_PASSPHRASE", raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture(scope="session")
def communes():  # type: ignore[no-untyped-def]
    from fieldvisit.reference import CommuneIndex

    return CommuneIndex.load()


@pytest.fixture
def services(data_dir: DataDir, communes) -> Iterator:  # type: ignore[no-untyped-def]
    from fieldvisit.services import Services

    svc = Services.open(data_dir)
    svc.__dict__["communes"] = communes  # share the loaded index across tests
    yield svc
    svc.close()


@pytest.fixture
def unwritable_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder where no file can be created: read-only for a normal user; as root
    (who may write anywhere) Linux's /sys, which refuses new files even to root."""
    import os

    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except OSError:
            yield folder
        else:
            probe.unlink()
            assert os.path.isdir("/sys"), "no folder refuses writes on this machine"
            yield Path("/sys")
    finally:
        folder.chmod(0o755)
