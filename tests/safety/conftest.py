"""Data safety tests: backups, recovery, disk full, kills (helpers: safety_support.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from safety_support import HandClock, SmallDisk, mount_small_disks

from fieldvisit.paths import DataDir
from fieldvisit.services import Services


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def svc(data_dir: DataDir, communes, clock: HandClock) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    services = Services.open(data_dir, clock=clock)
    services.__dict__["communes"] = communes
    yield services
    services.close()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], SmallDisk]]:
    """Mount tmpfs filesystems of a given size (needs root, as CI runs: .ci/run)."""
    with mount_small_disks(tmp_path) as make:
        yield make
