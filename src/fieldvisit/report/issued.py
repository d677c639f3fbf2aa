"""Issuing a report: the PDF that was sent is kept, so it can be printed again later.

`issue_report()` renders the internal variant, stores it in the content-addressed
attachments store as an attachment of the visit (media type application/pdf, a
"Rapport émis le …" caption; the row's sha256 and created_at record what was issued
and when, and it syncs like any attachment), then moves the visit to "rapport émis".
Later edits of the visit never change that file: `issued_report()` finds it again.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from fieldvisit.core.domain import VisitStatus
from fieldvisit.core.errors import RuleViolation
from fieldvisit.report.files import report_image_cache
from fieldvisit.report.model import Progress, build_report, report_filename
from fieldvisit.report.text import long_date, short_date
from fieldvisit.services import attachments, visits
from fieldvisit.services.context import Services
from fieldvisit.services.deletion import soft_delete
from fieldvisit.store.models import Attachment

PDF = "application/pdf"
ISSUED_PREFIX = "rapport-"
CAPTION_PREFIX = "Rapport émis le"


@dataclass(frozen=True)
class IssuedReport:
    attachment_id: str
    sha256: str
    filename: str
    issued_at: datetime
    pages: int
    path: Path  # the stored file (named by hash, no extension)

    @property
    def issued_on(self) -> date:
        return self.issued_at.astimezone().date()


def issue_report(svc: Services, visit_id: str, progress: Progress | None = None) -> IssuedReport:
    """Render, keep and record the report of a terminée visit; mark it "rapport émis"."""
    from fieldvisit.report.render import render_report

    visit = visits.get_visit(svc, visit_id)
    status = VisitStatus(visit.status)
    if status == VisitStatus.RAPPORT_EMIS:
        previous = issued_report(svc, visit_id)
        when = f" le {short_date(previous.created_at.astimezone().date())}" if previous else ""
        raise RuleViolation(f"Le rapport de cette visite a déjà été émis{when}.")
    if status != VisitStatus.TERMINEE:
        raise RuleViolation(
            f"Le rapport ne peut être émis que pour une visite terminée (celle-ci est "
            f"« {status.label} ») : terminez d'abord la visite."
        )
    today = svc.clock().astimezone().date()
    report = build_report(svc, visit_id, shareable=False, issued_on=today)
    with tempfile.TemporaryDirectory(prefix="fieldvisit-issue-") as tmp:
        path = Path(tmp) / report_filename(report)
        pages = render_report(
            report, path, progress=progress, image_cache_dir=report_image_cache(svc)
        )
        attachment = attachments.attach_file(
            svc, visit_id, path, caption=f"{CAPTION_PREFIX} {long_date(today)}"
        )
    try:
        visits.mark_report_issued(svc, visit_id)
    except BaseException:
        soft_delete(svc, "attachment", attachment.id)  # not issued after all
        raise
    return IssuedReport(
        attachment_id=attachment.id,
        sha256=attachment.sha256,
        filename=attachment.filename,
        issued_at=attachment.created_at,
        pages=pages,
        path=attachments.attachment_path(svc, attachment),
    )


def is_issued_report(attachment: Attachment) -> bool:
    return attachment.media_type == PDF and attachment.filename.startswith(ISSUED_PREFIX)


def issued_report(svc: Services, visit_id: str) -> Attachment | None:
    """The latest issued report of a visit (its file may await sync on this device)."""
    with svc.store.reading() as session:
        rows = session.scalars(
            select(Attachment)
            .where(
                Attachment.visit_id == visit_id,
                Attachment.deleted_at.is_(None),
                Attachment.media_type == PDF,
            )
            .order_by(Attachment.created_at.desc())
        )
        return next((row for row in rows if is_issued_report(row)), None)
