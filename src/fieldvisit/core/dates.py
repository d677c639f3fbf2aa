"""Dates and times as people read them: « 14/03/2026 », « 14/03/2026 10:42 ».

The one way the app, the command line, the report and the messages write a date
(whatever the language of the app: dates are always shown the French way). A moment
is shown in the laptop's local time; stored moments are UTC (core/clock.py).
"""

from __future__ import annotations

from datetime import date, datetime


def day_text(day: date) -> str:
    """« 14/03/2026 »."""
    return f"{day:%d/%m/%Y}"


def moment_text(moment: datetime, joiner: str = " ") -> str:
    """« 14/03/2026 10:42 » in local time; `joiner=" à "` gives « 14/03/2026 à 10:42 »."""
    local = moment.astimezone()
    return f"{day_text(local.date())}{joiner}{local:%H:%M}"


def stored_text(text: str) -> str:
    """An ISO date or moment as stored or sent (« 2026-03-14 », « 2026-03-14T09:42:00+00:00 »)
    as above; any other text unchanged."""
    try:
        if len(text) <= 10:
            return day_text(date.fromisoformat(text))
        return moment_text(datetime.fromisoformat(text))
    except ValueError:
        return text
