"""Photos: the visit's images, and the items a photo can be linked to.

The album is in the order the photos were taken (EXIF time; photos without one last,
in import order). `load_link_proposals` proposes, for photos just imported, the
checklist item answered when each was taken (see PROPOSAL_WINDOW): the person confirms
in a dialog before anything is linked.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from fieldvisit.core.geo import Location, parse_location
from fieldvisit.screens.common import ItemChoice, VisitFacts, frozen, item_choices, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import Answer, Attachment

#: A photo is proposed for the checklist item whose answer was last saved closest to
#: the time it was taken, if that is at most this far: during a walk the person answers
#: an item just before or after photographing what it is about. Further apart, nothing
#: is proposed rather than a guess.
PROPOSAL_WINDOW = timedelta(minutes=10)

log = logging.getLogger(__name__)


def link_key(form_id: str, item_id: str) -> str:
    return f"{form_id}/{item_id}"


@dataclass(frozen=True)
class Photo:
    id: str
    visit_id: str
    sha256: str
    filename: str
    media_type: str
    caption: str
    form_id: str | None
    item_id: str | None
    taken_at: datetime | None = None
    location: Location | None = None
    annotation: Any = None  # the stored shapes (core/annotation.py), None: none

    @classmethod
    def of(cls, attachment: Attachment) -> Photo:
        return cls(
            attachment.id,
            attachment.visit_id,
            attachment.sha256,
            attachment.filename,
            attachment.media_type,
            attachment.caption,
            attachment.form_id,
            attachment.item_id,
            attachment.taken_at,
            parse_location(attachment.gps),
            attachment.annotation,
        )

    @property
    def link(self) -> str:
        """ "form/item" of the item it is linked to, or ""."""
        return link_key(self.form_id, self.item_id) if self.form_id and self.item_id else ""


@dataclass(frozen=True)
class PhotoAlbum:
    visit: VisitFacts
    photos: tuple[Photo, ...]  # in the order taken; images only (reports: Rapport section)
    #: the checklist items a photo can be linked to (photo items first)
    choices: tuple[ItemChoice, ...]
    #: "form/item" -> "Section › Item", for every item of the visit's forms
    item_labels: Mapping[str, str]


def load_album(svc: Services, visit_id: str) -> PhotoAlbum:
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        photos = tuple(
            Photo.of(row)
            for row in session.scalars(
                select(Attachment)
                .where(
                    Attachment.visit_id == visit_id,
                    Attachment.deleted_at.is_(None),
                    Attachment.media_type.startswith("image/"),
                    Attachment.role.is_(None),  # the plan of the town centre: no photo
                )
                .order_by(
                    Attachment.taken_at.is_(None),
                    Attachment.taken_at,
                    Attachment.created_at,
                    Attachment.id,
                )
            )
        )
    forms = visit_forms(svc, visit)
    for form_id, version in forms.missing:
        log.warning("form %s v%s of visit %s is not installed", form_id, version, visit_id)
    checklist = [forms.checklist] if forms.checklist is not None else []
    labels = {link_key(c.form_id, c.item_id): c.label for c in item_choices(forms.all)}
    return PhotoAlbum(visit, photos, item_choices(checklist, photos_first=True), frozen(labels))


@dataclass(frozen=True)
class LinkProposal:
    """The item proposed for one photo, and why (its answer saved at `answered_at`)."""

    photo: Photo
    form_id: str
    item_id: str
    label: str
    answered_at: datetime


def load_link_proposals(
    svc: Services, visit_id: str, attachment_ids: Sequence[str]
) -> tuple[LinkProposal, ...]:
    """For each of these photos not yet linked and with a time taken, the checklist item
    whose answer was saved closest to that time, within PROPOSAL_WINDOW (in the order
    the photos were taken). Answers are read with one statement."""
    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        checklist = visit.checklist_form_id
        photos = [
            Photo.of(row)
            for row in session.scalars(
                select(Attachment)
                .where(
                    Attachment.visit_id == visit_id,
                    Attachment.id.in_(list(attachment_ids)),
                    Attachment.deleted_at.is_(None),
                    Attachment.taken_at.is_not(None),
                    Attachment.item_id.is_(None),
                )
                .order_by(Attachment.taken_at, Attachment.id)
            )
        ]
        answered: list[tuple[str, datetime]] = (
            [
                (str(item_id), at)
                for item_id, at in session.execute(
                    select(Answer.item_id, Answer.updated_at).where(
                        Answer.visit_id == visit_id,
                        Answer.form_id == checklist,
                        Answer.deleted_at.is_(None),
                    )
                )
            ]
            if photos and checklist
            else []
        )
    if not answered:
        return ()
    forms = visit_forms(svc, visit)
    form = [forms.checklist] if forms.checklist is not None else []
    labels = {link_key(c.form_id, c.item_id): c.label for c in item_choices(form)}
    answered = [(i, at) for i, at in answered if checklist and link_key(checklist, i) in labels]
    assert checklist is not None
    proposals = []
    for photo in photos:
        assert photo.taken_at is not None
        taken = photo.taken_at
        near = [
            (abs(updated_at - taken), -updated_at.timestamp(), item_id, updated_at)
            for item_id, updated_at in answered
            if abs(updated_at - taken) <= PROPOSAL_WINDOW
        ]
        if not near:
            continue
        _gap, _later, item_id, updated_at = min(near)
        proposals.append(
            LinkProposal(
                photo, checklist, item_id, labels[link_key(checklist, item_id)], updated_at
            )
        )
    return tuple(proposals)
