"""Writing reports to files: one visit, a batch, a blank form; ids typed by people.

A PDF is written to a temporary file next to the target and renamed at the end, so a
failed or interrupted generation never leaves half a PDF under the final name.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy import select

from fieldvisit.core.domain import VisitStatus
from fieldvisit.core.errors import BadInput, NotFound
from fieldvisit.core.files import atomic_output as _atomic_output
from fieldvisit.core.files import os_reason as os_reason
from fieldvisit.report.model import Progress, VisitReport, build_report, report_filename
from fieldvisit.services.context import Services
from fieldvisit.services.visits import VisitFilter, list_visits
from fieldvisit.store.models import Visit

MIN_PREFIX = 8


def report_image_cache(svc: Services) -> Path:
    """Where report-size photo renditions are kept (rebuildable, see images.py)."""
    return svc.data_dir.cache / "report-images"


def resolve_visit_id(svc: Services, text: str) -> str:
    """A full visit id, or a unique prefix of at least 8 characters typed in a terminal."""
    wanted = text.strip().lower()
    with svc.store.reading() as session:
        if session.get(Visit, wanted) is not None:
            return wanted
        if len(wanted) < MIN_PREFIX:
            raise NotFound(
                f"Visite introuvable : « {text} ». Donnez l'identifiant complet ou ses "
                f"{MIN_PREFIX} premiers caractères au moins (fieldvisit visits list)."
            )
        escaped = wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        matches = list(
            session.scalars(
                select(Visit.id)
                .where(Visit.id.like(f"{escaped}%", escape="\\"), Visit.deleted_at.is_(None))
                .limit(5)
            )
        )
    if not matches:
        raise NotFound(f"Visite introuvable : « {text} » (fieldvisit visits list).")
    if len(matches) > 1:
        raise BadInput(
            f"« {text} » désigne plusieurs visites ({', '.join(matches)}…) : "
            "donnez plus de caractères de l'identifiant."
        )
    return matches[0]


def atomic_output(target: Path) -> AbstractContextManager[Path]:
    """A temporary path beside `target`, renamed to it when the block succeeds."""
    return _atomic_output(target, kind="PDF", prefix=".rapport-", suffix=".pdf")


def write_visit_report(
    svc: Services,
    visit_id: str,
    target: Path,
    shareable: bool = False,
    progress: Progress | None = None,
    logo: Path | None = None,
) -> VisitReport:
    """Build and render one visit's report into `target`; return the report model."""
    from fieldvisit.report.render import render_report

    report = build_report(svc, visit_id, shareable)
    with atomic_output(target) as tmp:
        render_report(
            report, tmp, progress=progress, image_cache_dir=report_image_cache(svc), logo=logo
        )
    return report


def write_word_report(
    svc: Services,
    visit_id: str,
    target: Path,
    shareable: bool = False,
    *,
    overwrite: bool = False,
    progress: Progress | None = None,
    logo: Path | None = None,
    hint: str = "ajoutez --force pour le remplacer",
) -> VisitReport:
    """The same report model as the PDF, written as an editable Word document (word.py);
    an existing `target` only replaced when `overwrite` (`hint`: what to do then)."""
    from fieldvisit.core.files import export_output
    from fieldvisit.report.word import render_word

    report = build_report(svc, visit_id, shareable)
    with export_output(target, kind="Word (.docx)", overwrite=overwrite, hint=hint) as tmp:
        render_word(
            report, tmp, progress=progress, image_cache_dir=report_image_cache(svc), logo=logo
        )
    return report


def word_filename(report: VisitReport) -> str:
    """The PDF's file name (model.report_filename) with .docx."""
    return report_filename(report).removesuffix(".pdf") + ".docx"


def completed_visit_ids(svc: Services) -> list[str]:
    """Visits whose report can be produced: terminée or rapport émis, oldest first."""
    done = [
        row
        for status in (VisitStatus.TERMINEE, VisitStatus.RAPPORT_EMIS)
        for row in list_visits(svc, VisitFilter(status=status))
    ]
    done.sort(key=lambda row: (row.visit_date, row.id))
    return [row.id for row in done]


def write_all_completed(
    svc: Services,
    folder: Path,
    shareable: bool = False,
    on_written: Callable[[Path], None] | None = None,
    logo: Path | None = None,
) -> list[Path]:
    """One report per completed visit into `folder` (created if missing)."""
    from fieldvisit.report.render import render_report

    if folder.exists() and not folder.is_dir():
        raise BadInput(
            f"{folder} n'est pas un dossier : -o désigne le dossier où écrire les rapports."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BadInput(
            f"Impossible de créer le dossier {folder} ({os_reason(err)}) : choisissez un "
            "autre emplacement."
        ) from err
    written = []
    for visit_id in completed_visit_ids(svc):
        report = build_report(svc, visit_id, shareable)
        target = folder / report_filename(report)
        with atomic_output(target) as tmp:
            render_report(report, tmp, image_cache_dir=report_image_cache(svc), logo=logo)
        written.append(target)
        if on_written is not None:
            on_written(target)
    return written
