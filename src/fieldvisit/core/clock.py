"""Clocks. Wall time is for display and timestamps only, never for merging."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, UTC and timezone-aware."""
    return datetime.now(UTC)


def today() -> date:
    return datetime.now().date()
