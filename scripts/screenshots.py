"""Screenshots of the desktop app and pages of the demo report for docs/screenshots/.

Seeds the demonstration data into a temporary data dir, starts the real main window on
it in French (the .qm built by `make`), at a fixed size, and saves `QWidget.grab()`
PNGs of the visit list, a visit in progress (checklist, diagnostic, information with
the quick notes), the Rapport section with the preview of a completed visit's report,
the demo's follow-up visit (its action plan with the carried-over recommendations, its
diagnostic with the previous visit's levels), the new-visit dialog and the welcome page
of a first start, the « Signatures » group of the Informations page and the signing
dialog. The `report-*.png` are pages of the demo report that was issued (Saint-Flour),
the evolution page of its follow-up's report and the signature block of a completed
visit signed on screen (Saint-Affrique), rasterised by pdftoppm (poppler-utils) as a
reader would see them.

Needs a display; on a machine without one, use a virtual framebuffer:

    make all    # builds resources/translations/fieldvisit_fr.qm
    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py

Database work runs on the inline worker (synchronously): every page is complete when it
is grabbed. The user's own settings and data are not touched.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fieldvisit.demo.seed import seed_demo
from fieldvisit.paths import DataDir
from fieldvisit.services import Services, visits
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.base.i18n import LANGUAGE_KEY, app_translation_file, install_translators
from fieldvisit.ui.base.worker import DatabaseWorker
from fieldvisit.ui.dialogs.new_visit_dialog import NewVisitDialog
from fieldvisit.ui.shell.app import build_main_window, make_application
from fieldvisit.ui.shell.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[1]
# The synthetic public data files (the formats data.gouv.fr publishes) live with the tests.
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))
DEFAULT_OUT = ROOT / "docs" / "screenshots"
IN_PROGRESS = "58079"  # the demo visit still under way ("en cours")
FOLLOWED_UP = "15187"  # Saint-Flour: its report is issued, its follow-up under way
COMPLETED = "12208"  # Saint-Affrique: completed, its report not issued yet
#: taken only when named on the command line (their layout is still being worked on)
ON_REQUEST = {"interviews", "checklist-bound", "checklist-synthesis"}
#: pages of the issued demo report: screenshot name -> (outline title, pages further on)
REPORT_PAGES = {
    "report-cover": ("Couverture", 0),
    "report-synthesis": ("Synthèse", 0),
    "report-checklist": ("Visite du centre-bourg : réponses", 1),
    "report-diagnostic": ("Niveaux de préoccupation par thème", 0),
    "report-action-plan": ("Plan d'actions", 0),
    "report-photos": ("Photographies", 0),
}
#: pages of the follow-up's report (a draft): screenshot name -> (outline title, pages on)
FOLLOW_UP_PAGES = {
    "report-evolution": ("Thèmes : niveaux alors et aujourd'hui", 0),
    "report-observations": ("Points d'attention du parcours", 0),
    "report-plan": ("Points d'attention du parcours", 1),
}
#: pages of the completed visit's report once signed on screen (a draft: not issued)
SIGNED_PAGES = {"report-signatures": ("Visa et signatures", 0)}
REPORT_DPI = 100


def settle(app: QApplication, rounds: int = 5) -> None:
    """Let layouts, deferred deletions and queued signals run before a grab."""
    for _ in range(rounds):
        app.processEvents()
        app.sendPostedEvents()


def save(widget: QWidget, path: Path, app: QApplication) -> Path:
    settle(app)
    pixmap: QPixmap = widget.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        raise SystemExit(f"could not save {path}")
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return path


def open_window(
    data_dir: DataDir, settings_file: Path, size: tuple[int, int]
) -> tuple[UiContext, MainWindow]:
    services = Services.open(data_dir)
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    settings.setValue(LANGUAGE_KEY, "fr")
    ctx = UiContext(services, DatabaseWorker(inline=True), settings)
    window = build_main_window(ctx)
    window.resize(*size)
    window.show()
    return ctx, window


def close_window(ctx: UiContext, window: MainWindow) -> None:
    window.close()
    ctx.worker.shutdown()
    ctx.services.close()


def visit_of(ctx: UiContext, commune_code: str, visit_type: str | None = None) -> str:
    for row in visits.list_visits(ctx.services):
        if row.commune_code == commune_code and visit_type in (None, row.visit_type):
            return row.id
    raise SystemExit(f"no demo visit of {commune_code}")


def scroll_to_section(window: MainWindow, key: str, section_id: str) -> None:
    """Scroll a form page so that one of its sections starts at the top."""
    view = getattr(window.workspace.pages[key], "form_view", None)
    if view is not None:
        box = view.section_box(section_id)
        view.verticalScrollBar().setValue(max(0, box.y() - 8))


def outline_pages(pdf: Path) -> dict[str, int]:
    """Outline title without its number ("2.1 Éclairage" -> "Éclairage") -> page index."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages: dict[str, int] = {}
        for entry in document.get_toc():
            title = entry.get_title()
            head, _, rest = title.partition(" ")
            plain = rest if head.rstrip(".").replace(".", "").isdigit() else title
            if head == "Annexe":  # "Annexe D. Photographies" -> "Photographies"
                plain = rest.partition(" ")[2]
            if entry.get_dest() is not None:
                pages.setdefault(plain, entry.get_dest().get_index())
        return pages
    finally:
        document.close()


def report_pages(pdf: Path, out: Path, wanted: dict[str, tuple[str, int]]) -> list[Path]:
    """Rasterise the wanted pages of a PDF with pdftoppm, as docs/screenshots PNGs."""
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: install poppler-utils")
    pages = outline_pages(pdf)
    saved = []
    for name, (title, offset) in wanted.items():
        if title not in pages:
            raise SystemExit(f"no « {title} » in the outline of {pdf.name}")
        number = pages[title] + offset + 1
        target = out / f"{name}.png"
        pick = ["-f", str(number), "-l", str(number), "-singlefile", "-r", str(REPORT_DPI)]
        stem = str(target.with_suffix(""))  # pdftoppm adds .png
        subprocess.run(["pdftoppm", "-png", *pick, str(pdf), stem], check=True)
        print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
        saved.append(target)
    return saved


def issued_demo_report(data_dir: DataDir, folder: Path) -> Path:
    """A copy (named .pdf) of the report the demo issued for Saint-Flour."""
    from fieldvisit.report.issued import issued_report
    from fieldvisit.services import attachments

    services = Services.open(data_dir)
    try:
        visit_id = next(
            row.id
            for row in visits.list_visits(services)
            if row.commune_code == FOLLOWED_UP and row.visit_type == "premiere"
        )
        issued = issued_report(services, visit_id)
        if issued is None:
            raise SystemExit("the demo data has no issued report")
        target = folder / issued.filename
        target.write_bytes(attachments.attachment_bytes(services, issued))  # decrypted
        return target
    finally:
        services.close()


def handwriting(seed: int) -> list[list[list[float]]]:
    """A signature-like drawing (fractions of the pad): a flowing line with loops, a
    second word, an underline; `seed` varies it from one signer to the next."""
    import math

    first = []
    for step in range(90):
        t = step / 89
        x = 0.08 + 0.45 * t + 0.035 * math.cos(t * (9 + seed) * math.pi)
        y = 0.5 - 0.22 * math.sin(t * (7 + seed) * math.pi) * (1 - 0.5 * t)
        first.append([x, y])
    second = []
    for step in range(60):
        t = step / 59
        x = 0.56 + 0.3 * t + 0.02 * math.cos(t * 12 * math.pi)
        y = 0.55 - 0.15 * math.sin(t * (5 + seed) * math.pi) - 0.08 * t
        second.append([x, y])
    underline = [[0.1 + 0.78 * t / 9, 0.82 - 0.04 * t / 9] for t in range(10)]
    return [first, second, underline]


def sign_demo(services: Services) -> None:
    """Signatures drawn on screen: the author and the maire on the visit under way (the
    commandant de brigade is left to sign in the dialog shot), all three on the
    completed one (its report's signature block)."""
    from fieldvisit.core.domain import SignerRole
    from fieldvisit.screens.info import load_visit_info
    from fieldvisit.services import signatures

    fallback = {
        SignerRole.AUTEUR: "Claire Martin",
        SignerRole.MAIRE: "Jeanne Dupuis",
        SignerRole.COMMANDANT: "Capitaine Paul Girard",
    }
    plan = {IN_PROGRESS: (SignerRole.AUTEUR, SignerRole.MAIRE), COMPLETED: tuple(SignerRole)}
    for code, roles in plan.items():
        visit_id = next(row.id for row in visits.list_visits(services) if row.commune_code == code)
        slots = {slot.role: slot for slot in load_visit_info(services, visit_id).signatures}
        for n, role in enumerate(roles):
            name = slots[role].suggested_name or fallback[role]
            signatures.sign(services, visit_id, role, name, handwriting(n))


def signed_report(data_dir: DataDir, folder: Path) -> Path:
    """The internal report of the completed demo visit, signed by its three signers."""
    from fieldvisit.report.model import build_report
    from fieldvisit.report.render import render_report

    services = Services.open(data_dir)
    try:
        visit_id = next(r.id for r in visits.list_visits(services) if r.commune_code == COMPLETED)
        target = folder / "signe.pdf"
        render_report(build_report(services, visit_id), target)
        return target
    finally:
        services.close()


def signatures_shots(app: QApplication, info: Any, shot: Callable[[str, QWidget], None]) -> None:
    """The « Signatures » group scrolled into view, then the signing dialog of the
    commandant de brigade with a drawing on its pad."""
    from PySide6.QtWidgets import QScrollArea

    from fieldvisit.core.domain import SignerRole

    box = getattr(info, "signatures_box", None)
    scroll = info.findChild(QScrollArea)
    if box is None or scroll is None:
        return
    scroll.ensureWidgetVisible(box, 0, 16)
    settle(app)
    shot("signatures", info.window())
    dialog = info.sign(SignerRole.COMMANDANT)
    if dialog is None:
        return
    settle(app)
    if not dialog.name_edit.text():
        dialog.name_edit.setText("Capitaine Paul Girard")
    dialog.pad.set_strokes(handwriting(2))
    dialog.pad.changed.emit()  # « Valider » enabled, as after drawing
    shot("signature-dialog", dialog)
    dialog.reject()
    scroll.verticalScrollBar().setValue(0)


def follow_up_report(data_dir: DataDir, folder: Path) -> Path:
    """The internal report of the demo's follow-up visit (a draft: it is under way)."""
    from fieldvisit.report.model import build_report
    from fieldvisit.report.render import render_report

    services = Services.open(data_dir)
    try:
        visit_id = next(
            row.id
            for row in visits.list_visits(services)
            if row.commune_code == FOLLOWED_UP and row.visit_type == "suivi"
        )
        target = folder / "suivi.pdf"
        render_report(build_report(services, visit_id), target)
        return target
    finally:
        services.close()


def take_all(out: Path, size: tuple[int, int], only: set[str]) -> list[Path]:
    app = make_application(["fieldvisit-screenshots"])
    qm = app_translation_file("fr")
    if not qm.is_file():
        raise SystemExit(f"{qm} is missing: run `make all` first")
    translators = install_translators(app, "fr")
    if len(translators) < 2:
        raise SystemExit("the French translations could not be installed")
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []

    def shot(name: str, widget: QWidget) -> None:
        if name in only or (not only and name not in ON_REQUEST):
            saved.append(save(widget, out / f"{name}.png", app))

    with tempfile.TemporaryDirectory(prefix="fieldvisit-screenshots-") as tmp:
        root = Path(tmp)
        # A first start: the welcome page.
        ctx, window = open_window(DataDir(root / "empty"), root / "empty.ini", size)
        shot("welcome", window)
        close_window(ctx, window)

        demo_dir = DataDir(root / "demo")
        services = Services.open(demo_dir)
        seed_demo(services, today=date.today())
        # Public data of the Cantal (synthetic files in the published formats): the
        # commune card of the new-visit dialog and the proposed constat.
        from public_data_files import import_all

        import_all(services.public_data, root / "published", ["15"])
        sign_demo(services)
        services.close()
        wanted = {name: page for name, page in REPORT_PAGES.items() if not only or name in only}
        if wanted:
            saved += report_pages(issued_demo_report(demo_dir, root), out, wanted)
        wanted = {name: page for name, page in FOLLOW_UP_PAGES.items() if not only or name in only}
        if wanted:
            saved += report_pages(follow_up_report(demo_dir, root), out, wanted)
        wanted = {name: page for name, page in SIGNED_PAGES.items() if not only or name in only}
        if wanted:
            saved += report_pages(signed_report(demo_dir, root), out, wanted)
        ctx, window = open_window(demo_dir, root / "demo.ini", size)
        page = window.visit_list
        page.table.setFocus(Qt.FocusReason.OtherFocusReason)
        page.select_visit(visit_of(ctx, IN_PROGRESS))
        shot("visit-list", window)

        dialog: NewVisitDialog = window.new_visit()
        QTest.keyClicks(dialog.commune_edit, "st fl")  # typed: the suggestions come up
        popup = dialog.completer.popup()
        suggestions = dialog.completer.completionModel()
        for row in range(suggestions.rowCount()):
            if suggestions.index(row, 0).data() == "Saint-Flour (15)":
                popup.setCurrentIndex(suggestions.index(row, 0))
                QTest.keyClick(popup, Qt.Key.Key_Return)  # picked from the list
        QTest.keyClicks(dialog.author_edit, "Claire Martin")
        shot("new-visit-dialog", dialog)  # with the commune card beside the form
        card = dialog.card_view
        card.scrollToAnchor("crime")
        shot("new-visit-dialog-crime", dialog)  # the card scrolled to recorded crime
        dialog.reject()

        window.open_visit(visit_of(ctx, IN_PROGRESS))
        workspace = window.workspace
        workspace.show_section("info")
        shot("workspace-notes", window)
        signatures_shots(app, workspace.pages["info"], shot)
        workspace.show_section("checklist")
        scroll_to_section(window, "checklist", "eclairage")
        shot("checklist", window)
        # The items bound to the visit's date, participants and synthesis (forms v3).
        scroll_to_section(window, "checklist", "deroulement")
        shot("checklist-bound", window)
        scroll_to_section(window, "checklist", "synthese")
        shot("checklist-synthesis", window)
        workspace.show_section("diagnostic")
        shot("diagnostic", window)
        workspace.show_section("interviews")
        shot("interviews", window)
        workspace.show_section("observations")
        walk = workspace.pages["observations"]
        walk_list = getattr(walk, "list", None)
        if walk_list is not None and walk_list.count():
            walk_list.setCurrentRow(0)  # the first observation: its photo, action and pin
        settle(app, rounds=8)  # the plan is decoded on the worker
        shot("observations", window)
        workspace.show_section("photos")
        photos = workspace.pages["photos"]
        shown = getattr(photos, "photos", list)()
        if shown:
            photos.select(shown[0].id)  # type: ignore[attr-defined]
        shot("photos", window)
        if shown:
            annotate_shot(app, photos, shot)
            links_shot(photos, shown, shot)

        # « Terminer la visite »: what is still empty, said before completing.
        workspace.show_section("info")
        info = workspace.pages["info"]
        info.complete_visit()  # type: ignore[attr-defined]
        settle(app)
        completion = getattr(info, "completion_dialog", None)
        if completion is not None:
            shot("complete-visit-dialog", completion)
            completion.reject()

        window.open_visit(visit_of(ctx, COMPLETED))
        workspace.show_section("report")
        workspace.notes_button.setChecked(False)  # the preview as wide as it goes
        report = workspace.pages["report"]
        view = getattr(report, "view", None)
        if view is not None:
            view.generate_preview()  # "Générer l'aperçu": internal version
            settle(app, rounds=12)  # the preview draws a page per event-loop turn
            labels = view.view.page_labels()
            if len(labels) > 2:  # show the synthesis (page 3) rather than the cover's top
                view.view.verticalScrollBar().setValue(labels[2].y() - 8)
        shot("report", window)
        if view is not None:  # « Émettre le rapport »: which version, read-only after
            view.issue()
            settle(app)
            shot("issue-dialog", view.issue_dialog)
            view.issue_dialog.reject()

        # The issued visit: read-only, with the banner; its issued reports listed.
        window.show_list()
        window.open_visit(visit_of(ctx, FOLLOWED_UP, "premiere"))
        workspace.show_section("checklist")
        workspace.notes_button.setChecked(True)
        settle(app)
        shot("issued-read-only", window)
        workspace.show_section("report")
        settle(app)
        shot("issued-reports", window)

        window.show_list()
        window.open_visit(visit_of(ctx, FOLLOWED_UP, "suivi"))
        workspace.show_section("diagnostic")
        workspace.notes_button.setChecked(False)
        shot("diagnostic-follow-up", window)  # the previous levels, the plan since
        workspace.show_section("actions")
        # Eight columns: the action plan is shown as wide as it goes, the notes aside.
        workspace.notes_button.setChecked(False)
        shot("action-plan", window)
        page = workspace.pages["actions"]
        page.table.selectRow(1)  # « Demander au référent sûreté… »: its contract details
        details = page.open_details()  # type: ignore[attr-defined]
        if details is not None:
            settle(app)
            shot("action-details", details)
            details.reject()

        # Across visits: the Suivi des actions (flat, then by commune) and the dashboard.
        tracking = window.tracking.show_tracking()
        settle(app)
        shot("action-tracking", window)
        tracking.grouping.setCurrentIndex(1)  # by commune
        settle(app)
        shot("action-tracking-grouped", window)
        window.tracking.show_dashboard()
        settle(app)
        shot("territory-dashboard", window)
        close_window(ctx, window)
    for translator in translators:
        QCoreApplication.removeTranslator(translator)
    return saved


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def annotate_shot(app: QApplication, photos: Any, shot: Callable[[str, QWidget], None]) -> None:
    """The annotation dialog on the selected photo, with a few shapes drawn."""
    from fieldvisit.core.annotation import Shape
    from fieldvisit.ui.dialogs.annotation_dialog import AnnotationDialog

    photos.annotate_selected()
    settle(app, rounds=6)
    dialog = photos.findChild(AnnotationDialog, "annotationDialog")
    if dialog is None:
        return
    dialog.add_shape(Shape("rect", 0.18, 0.3, 0.52, 0.78, "#e53935"))
    dialog.add_shape(Shape("arrow", 0.85, 0.15, 0.55, 0.42, "#fdd835"))
    dialog.add_shape(Shape("text", 0.55, 0.82, 0.55, 0.82, "#ffffff", "Éclairage absent"))
    settle(app, rounds=2)
    shot("annotation-dialog", dialog)
    dialog.reject()


def links_shot(photos: Any, shown: list[Any], shot: Callable[[str, QWidget], None]) -> None:
    """The proposals after an import (made up from the demo's photos and items)."""
    from datetime import UTC, datetime, timedelta

    from fieldvisit.screens.photos import LinkProposal
    from fieldvisit.ui.dialogs.photo_links_dialog import PhotoLinksDialog

    choices = [c for c in photos.album.choices if not c.is_photo][:3]
    if not choices:
        return
    taken = datetime(2026, 3, 14, 9, 42, tzinfo=UTC)
    proposals = [
        LinkProposal(
            replace(photo, taken_at=taken + timedelta(minutes=4 * n)),
            choices[n % len(choices)].form_id,
            choices[n % len(choices)].item_id,
            choices[n % len(choices)].label,
            taken + timedelta(minutes=4 * n + 1),
        )
        for n, photo in enumerate(shown[:3])
    ]
    dialog = PhotoLinksDialog(proposals, photos.album.choices, photos)
    dialog.show()
    shot("photo-links-dialog", dialog)
    dialog.reject()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the PNGs")
    parser.add_argument("--size", type=parse_size, default=(1280, 800), help="WIDTHxHEIGHT")
    parser.add_argument("names", nargs="*", help="only these screenshots (e.g. checklist)")
    args = parser.parse_args(argv)
    take_all(args.out, args.size, set(args.names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
