"""Planned visits as an iCalendar (.ics) file, for Outlook, Thunderbird and phones.

One all-day VEVENT per visit still « planifiée », of the communes asked (all of them
by default): the commune and its département as title and place, the type of visit,
the authors and the participants in the description. Scope as for the spreadsheet
(tables.py): the local database holds only the visits of the user's territories.

Each event's UID is the visit's id (`<id>@fieldvisit`), which never changes: importing
a newer file into the same calendar updates the events instead of adding copies. Its
SEQUENCE and LAST-MODIFIED come from the visit's last change, so a client that keeps
the higher SEQUENCE takes the moved date or the new participants.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fieldvisit import __version__
from fieldvisit.core.domain import VisitStatus, VisitType
from fieldvisit.core.files import FORCE_HINT, export_output
from fieldvisit.exports.tables import ExportScope
from fieldvisit.services.context import Services
from fieldvisit.store.models import Contact, Visit, VisitParticipant

UID_DOMAIN = "fieldvisit"
CALENDAR_NAME = "Visites sécurité du quotidien planifiées"
# SEQUENCE counts seconds from this day: it grows with every change of the visit and
# stays within the 32-bit integers calendar clients keep until 2092.
SEQUENCE_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def event_uid(visit_id: str) -> str:
    return f"{visit_id}@{UID_DOMAIN}"


def planned_visits_calendar(svc: Services, scope: ExportScope) -> tuple[bytes, int]:
    """The .ics bytes and the number of events."""
    from icalendar import Calendar, Event

    query = select(Visit).where(
        Visit.deleted_at.is_(None), Visit.status == VisitStatus.PLANIFIEE.value
    )
    if scope.communes:
        query = query.where(Visit.commune_code.in_(sorted(scope.communes)))
    calendar = Calendar()
    calendar.add("prodid", f"-//fieldvisit//fieldvisit {__version__}//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    now = svc.clock()
    count = 0
    with svc.store.reading() as session:
        people: dict[str, list[str]] = {}
        for visit_id, name, role in session.execute(
            select(VisitParticipant.visit_id, Contact.name, Contact.role)
            .join(Contact, Contact.id == VisitParticipant.contact_id)
            .where(VisitParticipant.deleted_at.is_(None), Contact.deleted_at.is_(None))
            .order_by(Contact.name)
        ):
            people.setdefault(visit_id, []).append(_person(name, role))
        for visit in session.scalars(query.order_by(Visit.visit_date, Visit.id)):
            event = Event()
            event.add("uid", event_uid(visit.id))
            event.add("dtstamp", now)
            event.add("summary", f"Visite sécurité du quotidien — {visit.commune_name}")
            event.add("location", f"{visit.commune_name} ({visit.departement})")
            event.add("dtstart", visit.visit_date)
            event.add("dtend", visit.visit_date + timedelta(days=1))  # all day: end excluded
            event.add("transp", "OPAQUE")
            changed = _utc(visit.updated_at)
            event.add("last-modified", changed)
            event.add("sequence", max(0, int((changed - SEQUENCE_EPOCH).total_seconds())))
            event.add("description", _description(visit, people.get(visit.id, [])))
            calendar.add_component(event)
            count += 1
    return calendar.to_ical(), count


def write_calendar(
    svc: Services,
    target: Path,
    scope: ExportScope,
    *,
    overwrite: bool = False,
    hint: str = FORCE_HINT,
) -> int:
    """Write the planned visits to `target` (whole or not at all); the events written."""
    data, count = planned_visits_calendar(svc, scope)
    with export_output(target, kind="agenda (.ics)", overwrite=overwrite, hint=hint) as tmp:
        tmp.write_bytes(data)
    return count


def _description(visit: Any, participants: list[str]) -> str:
    lines = [f"{_type_label(visit.visit_type)} — commune {visit.commune_name} (INSEE "]
    lines[0] += f"{visit.commune_code}, département {visit.departement})."
    if visit.author.strip():
        lines.append(f"Rédaction : {visit.author.strip()}")
    if participants:
        lines.append("Participants :")
        lines += [f"- {person}" for person in participants]
    else:
        lines.append("Participants : à préciser")
    return "\n".join(lines)


def _person(name: str, role: str) -> str:
    from fieldvisit.core.domain import ContactRole

    try:
        return f"{name} ({ContactRole(role).label})"
    except ValueError:
        return name


def _type_label(code: str) -> str:
    try:
        return VisitType(code).label
    except ValueError:
        return code


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
