"""The organisation's logo set in Préférences: a file that is not an image is refused
with the report layer's French message; a good one is kept and printed on the cover
of the reports the Rapport section draws."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from fieldvisit.core.domain import VisitStatus
from fieldvisit.demo.seed import seed_demo
from fieldvisit.services import visits
from fieldvisit.ui.dialogs.preferences import LOGO_KEY, PreferencesDialog, logo_setting
from fieldvisit.ui.workspace.report_view import ReportView


def test_a_bad_logo_is_refused_a_good_one_goes_on_the_cover(ui_ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = PreferencesDialog(ui_ctx.settings)
    qtbot.addWidget(dialog)
    dialog.show()
    bad = tmp_path / "logo.png"
    bad.write_text("pas une image", encoding="utf-8")
    dialog.logo_edit.setText(str(bad))
    dialog.accept()
    box = dialog.findChild(QMessageBox, "logoProblem")
    assert box is not None and box.isVisible()
    assert f"Le fichier {bad} n'est pas une image lisible" in box.text()
    assert dialog.isVisible() and not ui_ctx.settings.value(LOGO_KEY, "")
    box.accept()

    good = tmp_path / "mairie.png"
    Image.new("RGBA", (320, 160), (0, 0, 145, 255)).save(good)
    dialog.logo_edit.setText(str(good))
    dialog.accept()
    assert not dialog.isVisible()
    assert logo_setting(ui_ctx.settings) == good

    seed_demo(ui_ctx.services)
    done = visits.list_visits(ui_ctx.services, visits.VisitFilter(status=VisitStatus.TERMINEE))
    view = ReportView(ui_ctx)
    qtbot.addWidget(view)
    view.load_visit(done[0].id)
    view.generate_preview()
    assert view.current is not None
    cover = PdfReader(view.current.path).pages[0]
    assert [image.image.size for image in cover.images if image.image] == [(320, 160)]

    good.unlink()  # gone since: the report is drawn without it
    assert logo_setting(ui_ctx.settings) is None
