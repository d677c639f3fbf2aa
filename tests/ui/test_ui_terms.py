"""One word per thing in the app, its history and its report (issue: the history said
« Échéance » where the table said « Horizon », the report « Reportée » where the app
said « Reprise », the history « Par — » although the author was set).

The words are those of the domain (a recommendation has a horizon, an owner — porteur
—, a scheme — dispositif —, a due date — échéance — and a status); a recommendation
carried over from the previous visit is « Reprise » everywhere.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from fieldvisit.core.domain import Horizon
from fieldvisit.report.model import build_report
from fieldvisit.report.render import render_report
from fieldvisit.services import actions, visits
from fieldvisit.services.describe import field_name
from fieldvisit.ui.base.context import UiContext
from fieldvisit.ui.dialogs.history_dialog import HistoryDialog
from fieldvisit.ui.dialogs.preferences import AUTHOR_KEY
from fieldvisit.ui.workspace.actions_model import Column
from fieldvisit.ui.workspace.actions_page import ActionsPage

RECOMMENDATION = "Relancer la participation citoyenne avec la brigade"


@pytest.fixture
def follow_up_id(ui_ctx: UiContext) -> str:
    svc = ui_ctx.services
    first = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Claire Martin")
    actions.add_recommendation(
        svc, first.id, RECOMMENDATION, priority=1, due_date=date(2026, 12, 31)
    )
    follow_up = visits.plan_follow_up(svc, first.id, date(2026, 9, 15))
    (carried,) = actions.list_recommendations(svc, follow_up.id)
    actions.update_recommendation(svc, carried.id, horizon=Horizon.MOYEN)
    return follow_up.id


def test_table_history_and_report_say_the_same_words(
    french,  # type: ignore[no-untyped-def]
    ui_ctx: UiContext,
    follow_up_id: str,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    ui_ctx.settings.setValue(AUTHOR_KEY, "Claire Martin")
    page = ActionsPage(ui_ctx)
    qtbot.addWidget(page)
    page.load_visit(follow_up_id)
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    headers = {column: model.headerData(column, Qt.Orientation.Horizontal) for column in Column}
    assert headers[Column.HORIZON] == "Horizon"
    assert headers[Column.DUE_DATE] == "Échéance"
    for column in Column:
        if column is not Column.TEXT:  # « Action » in the table, its text in the history
            assert field_name("recommendations", column.field, "fr") == headers[column]
    assert model.headerData(0, Qt.Orientation.Vertical) == "Reprise"

    (carried,) = actions.list_recommendations(ui_ctx.services, follow_up_id)
    dialog = HistoryDialog(ui_ctx, "recommendations", carried.id)
    qtbot.addWidget(dialog)
    horizon_rows = [
        dialog.entries.topLevelItem(row)
        for row in range(dialog.entries.topLevelItemCount())
        if dialog.entries.topLevelItem(row).text(3) == headers[Column.HORIZON]
    ]
    assert horizon_rows, "the horizon's change is in the history under the table's word"
    assert horizon_rows[0].text(5) == Horizon.MOYEN.label
    assert horizon_rows[0].text(1) == "Claire Martin"  # not « — » before any sign-in

    pdf = tmp_path / "suivi.pdf"
    render_report(build_report(ui_ctx.services, follow_up_id), pdf)
    text = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
    assert "Reportée" not in text
    assert "« Reprise » : action ouverte" in text.replace("\u00a0", " ")
    assert headers[Column.DUE_DATE] in text
    assert headers[Column.PORTEUR] in text and headers[Column.DISPOSITIF] in text
