"""Screens read from real services on a fresh data dir (helpers: screens_support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fieldvisit.paths import DataDir
from fieldvisit.services import Services


@pytest.fixture
def svc(data_dir: DataDir, communes) -> Iterator[Services]:  # type: ignore[no-untyped-def]
    services = Services.open(data_dir)
    services.__dict__["communes"] = communes
    yield services
    services.close()
