"""Fixtures of the export tests (data: export_samples.py)."""

from __future__ import annotations

import pytest
from export_samples import Sample, make_sample


@pytest.fixture
def sample(services) -> Sample:  # type: ignore[no-untyped-def]
    return make_sample(services)
