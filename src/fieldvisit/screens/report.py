"""Rapport: what the report's buttons depend on (status, issued reports, photos)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from fieldvisit.core.domain import VisitStatus
from fieldvisit.screens.common import read_visit
from fieldvisit.services import attachments
from fieldvisit.services.context import Services
from fieldvisit.store.models import Attachment


@dataclass(frozen=True)
class IssuedEntry:
    """One issued PDF, as it was sent: its version (1 for the first issued), when and
    by whom (the report's authors, from its caption)."""

    sha256: str
    filename: str
    issued_on: date
    version: int = 1
    author: str = ""


@dataclass(frozen=True)
class ReportState:
    visit_id: str
    commune: str
    visit_date: date
    status: VisitStatus
    issued: tuple[IssuedEntry, ...]  # newest first
    photos: tuple[tuple[Path, str], ...]  # (stored file, sha256) of the visit's photos

    @property
    def latest_issued(self) -> IssuedEntry | None:
        return self.issued[0] if self.issued else None

    @property
    def issued_sha256(self) -> str | None:
        return self.issued[0].sha256 if self.issued else None

    @property
    def issued_on(self) -> date | None:
        return self.issued[0].issued_on if self.issued else None


def load_report_state(svc: Services, visit_id: str) -> ReportState:
    from fieldvisit.report.issued import is_issued_report, issued_by  # the report layer

    with svc.store.reading() as session:
        visit = read_visit(session, visit_id)
        files = list(
            session.scalars(
                select(Attachment)
                .where(Attachment.visit_id == visit_id, Attachment.deleted_at.is_(None))
                .order_by(Attachment.created_at, Attachment.id)
            )
        )
    oldest_first = sorted(
        (row for row in files if is_issued_report(row)), key=lambda row: row.created_at
    )
    return ReportState(
        visit_id=visit.id,
        commune=visit.commune_name,
        visit_date=visit.visit_date,
        status=VisitStatus(visit.status),
        issued=tuple(
            reversed(
                [
                    IssuedEntry(
                        row.sha256,
                        row.filename,
                        row.created_at.astimezone().date(),
                        version=number,
                        author=issued_by(row.caption),
                    )
                    for number, row in enumerate(oldest_first, start=1)
                ]
            )
        ),
        photos=tuple(
            (attachments.attachment_path(svc, row), row.sha256)
            for row in files
            if attachments.is_photo(row)
        ),
    )
