"""Issuing a report: the PDF that was sent is kept, so it can be printed again later.

`issue_report()` renders the internal variant, stores it in the content-addressed
attachments store as an attachment of the visit (media type application/pdf, a
"Rapport émis le …" caption; the row's sha256 and created_at record what was issued
and when, and it syncs like any attachment), then moves the visit to "rapport émis".
It is three steps, which the app runs apart so the drawing does not hold the database
worker: `prepare_issue()` (checks, report model), `render_report()`, `keep_issued()`.
An issued visit is read-only (services/issued_guard.py); « Rouvrir » (services/visits.py)
makes it editable again, and the next issuing is the next version: the report's
`version` counts the issued PDFs kept (VisitReport.version), its file name ends in
"-v2"…, its caption says « version N » and who issued it. No issued file is ever
changed or replaced: `issued_reports()` lists them all, each with its version.
The Photos section does not show them (it lists images only); the Rapport section does.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import VisitStatus
from fieldvisit.core.errors import RuleViolation
from fieldvisit.report.files import report_image_cache
from fieldvisit.report.model import (
    Progress,
    VisitReport,
    build_report,
    is_issued_report,
    report_filename,
)
from fieldvisit.report.text import long_date
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


def prepare_issue(svc: Services, visit_id: str) -> VisitReport:
    """Check that the visit's report may be issued; its internal report, dated today."""
    visit = visits.get_visit(svc, visit_id)
    _check_issuable(svc, visit_id, VisitStatus(visit.status))
    today = svc.clock().astimezone().date()
    return build_report(svc, visit_id, shareable=False, issued_on=today)


def keep_issued(svc: Services, report: VisitReport, pdf: Path, pages: int) -> IssuedReport:
    """Keep `pdf` (the rendering of `report`) as the issued report; mark the visit.

    The status is checked again: the visit may have been reopened or issued (on another
    window or device) while the PDF was being drawn.
    """
    visit_id = report.visit_id
    _check_issuable(svc, visit_id, VisitStatus(visits.get_visit(svc, visit_id).status))
    issued_on = report.issued_on or svc.clock().astimezone().date()
    attachment = attachments.attach_file(
        svc,
        visit_id,
        pdf,
        caption=issued_caption(issued_on, report.version, ", ".join(report.authors)),
        filename=report_filename(report),
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


def issue_report(svc: Services, visit_id: str, progress: Progress | None = None) -> IssuedReport:
    """Render, keep and record the report of a terminée visit; mark it "rapport émis".

    The app runs the same three steps apart (the drawing on its own thread, see
    ui/workspace/report_view.py); the demo data and scripts call this.
    """
    from fieldvisit.report.render import render_report

    report = prepare_issue(svc, visit_id)
    with tempfile.TemporaryDirectory(prefix="fieldvisit-issue-") as tmp:
        path = Path(tmp) / report_filename(report)
        pages = render_report(
            report, path, progress=progress, image_cache_dir=report_image_cache(svc)
        )
        return keep_issued(svc, report, path, pages)


def issued_caption(issued_on: date, version: int, author: str) -> str:
    """« Rapport émis le 7 décembre 2026 — version 2 — par Claire Martin »."""
    by = f" — par {author}" if author else ""
    return f"{CAPTION_PREFIX} {long_date(issued_on)} — version {version}{by}"


def issued_by(caption: str) -> str:
    """Who issued it, read back from the caption ("" for reports issued before)."""
    _before, sep, author = caption.partition(" — par ")
    return author.strip() if sep else ""


def _check_issuable(svc: Services, visit_id: str, status: VisitStatus) -> None:
    if status == VisitStatus.RAPPORT_EMIS:
        previous = issued_report(svc, visit_id)
        when = f" le {day_text(previous.created_at.astimezone().date())}" if previous else ""
        raise RuleViolation(f"Le rapport de cette visite a déjà été émis{when}.")
    if status != VisitStatus.TERMINEE:
        raise RuleViolation(
            f"Le rapport ne peut être émis que pour une visite terminée (celle-ci est "
            f"« {status.label} ») : terminez d'abord la visite."
        )


def issued_reports(svc: Services, visit_id: str) -> list[Attachment]:
    """The issued reports of a visit, newest first (one, unless two devices issued it
    while offline; a file may still await sync on this device)."""
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
        return [row for row in rows if is_issued_report(row)]


def issued_report(svc: Services, visit_id: str) -> Attachment | None:
    """The latest issued report of a visit."""
    reports = issued_reports(svc, visit_id)
    return reports[0] if reports else None
