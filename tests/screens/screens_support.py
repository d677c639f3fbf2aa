"""Helpers of the screen tests: a visit with many of everything, a statement counter."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image
from sqlalchemy import event

from fieldvisit.core.domain import ContactRole
from fieldvisit.core.pins import Pin
from fieldvisit.services import (
    Services,
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    interviews,
    notes,
    observations,
    visits,
)
from fieldvisit.store.models import Base


def jpeg(path: Path, shade: int) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), (shade, 90, 200)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


@dataclass(frozen=True)
class Filled:
    visit_id: str
    interview_ids: list[str]
    participant_ids: list[str]


def fill_visit(svc: Services, tmp_path: Path, size: int, commune: str = "15187") -> Filled:
    """A started visit with `size` of each: participants (and as many contacts who are
    not), interviews of two interviewees each, photos (half linked to photo items),
    recommendations and quick notes; some answers and theme ratings."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    visit = visits.plan_visit(svc, commune, date(2026, 3, 12))
    vid = visit.id
    visits.start_visit(svc, vid)
    people = []
    for n in range(size):
        person = contacts.add_contact(svc, f"Participant {n:02d}", ContactRole.MAIRE, "Mairie")
        contacts.add_contact(svc, f"Autre contact {n:02d}", ContactRole.AUTRE, "Ailleurs")
        visits.add_participant(svc, vid, person.id)
        people.append(person.id)
    interview_ids = []
    for n in range(size):
        interview = interviews.record_interview(
            svc,
            vid,
            "entretien-elu",
            title=f"Entretien {n:02d}",
            interviewee_ids=[people[n], people[(n + 1) % size]],
        )
        interviews.answer_interview_item(svc, interview.id, "atteintes_elus", "oui")
        interview_ids.append(interview.id)
    checklist = visit.checklist_form_id or ""
    for n in range(size):
        item = "eclairage_photos" if n % 2 else None
        picture = attachments.attach_photo(
            svc,
            vid,
            jpeg(tmp_path / f"p{n}.jpg", n * 7 % 250),
            f"Photo {n}",
            checklist if item else None,
            item,
        )
        actions.add_recommendation(svc, vid, f"Action {n}")
        notes.add_quick_note(svc, vid, f"Note {n}")
        # An observation of the walk with its photo, its action and a pin.
        seen = observations.add_observation(
            svc, vid, "eclairage", place=f"Rue {n}", photo_ids=[picture.id]
        )
        observations.create_action(svc, seen.id)
        observations.pin_observation(svc, seen.id, Pin(0.5, 0.5))
    answers.answer_item(svc, vid, checklist, "eclairage_zones_sombres", "oui")
    diagnostic.rate_theme(svc, vid, "cambriolages", 3)
    return Filled(vid, interview_ids, people)


class StatementCounter:
    """Counts the SQL statements a piece of code sends to the store's engine, and the
    connections it takes from the pool (one per `store.reading()` or `connection()`)."""

    def __init__(self, svc: Services) -> None:
        self.engine = svc.store.engine
        self.statements: list[str] = []
        self.connections = 0

    def _seen(self, _conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        self.statements.append(statement)

    def _checked_out(self, *_args: object) -> None:
        self.connections += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        event.listen(self.engine, "checkout", self._checked_out)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)
        event.remove(self.engine, "checkout", self._checked_out)

    @property
    def transactions(self) -> int:
        """Read transactions begun: one per `store.reading()` (store/database.py)."""
        return sum(1 for statement in self.statements if statement == "BEGIN")

    @property
    def queries(self) -> list[str]:
        return [statement for statement in self.statements if statement != "BEGIN"]


class LoadedRecords:
    """Counts the records the ORM builds from rows, by class (a list read whole to find
    one record shows here, not in the number of statements)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def _loaded(self, target: object, _context: object) -> None:
        self.counts[type(target).__name__] += 1

    def __enter__(self) -> LoadedRecords:
        event.listen(Base, "load", self._loaded, propagate=True)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Base, "load", self._loaded)
