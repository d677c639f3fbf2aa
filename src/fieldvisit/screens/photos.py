"""Photos: the visit's images, and the items a photo can be linked to."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from fieldvisit.screens.common import ItemChoice, VisitFacts, frozen, item_choices, read_visit
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import Attachment

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
        )

    @property
    def link(self) -> str:
        """ "form/item" of the item it is linked to, or ""."""
        return link_key(self.form_id, self.item_id) if self.form_id and self.item_id else ""


@dataclass(frozen=True)
class PhotoAlbum:
    visit: VisitFacts
    photos: tuple[Photo, ...]  # oldest first; images only (reports: Rapport section)
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
                )
                .order_by(Attachment.created_at, Attachment.id)
            )
        )
    forms = visit_forms(svc, visit)
    for form_id, version in forms.missing:
        log.warning("form %s v%s of visit %s is not installed", form_id, version, visit_id)
    checklist = [forms.checklist] if forms.checklist is not None else []
    labels = {link_key(c.form_id, c.item_id): c.label for c in item_choices(forms.all)}
    return PhotoAlbum(visit, photos, item_choices(checklist, photos_first=True), frozen(labels))
