"""The Tableau de bord du territoire as a PDF, for a comité de pilotage.

Built from the dashboard's read side (screens/territory_dashboard.py), with the visit
report's page template, fonts, colours and styles (report/document.py, styles.py):

1. the communes: last and next visit, status, open and late actions, the themes of
   highest concern;
2. the heat map: one row per commune with a diagnostic, one column per theme, each
   cell the level of the last diagnostic in figures *and* in colour (readable printed
   in black and white), with its legend;
3. the filters the table was printed with, under the title.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from fieldvisit.core.dates import day_text
from fieldvisit.core.domain import CONCERN_LABELS
from fieldvisit.core.files import atomic_output
from fieldvisit.report.blocks import boxed
from fieldvisit.report.document import PageDecor, ReportDocument, heading
from fieldvisit.report.model import PROGRAMME
from fieldvisit.report.styles import (
    BLUE_LIGHT,
    FRAME_WIDTH,
    GREY_LINE,
    LEVEL_COLOURS,
    markup,
    para,
    styles,
    table_style,
)
from fieldvisit.screens.territory_dashboard import CommuneRow, TerritoryDashboard

TITLE = "Tableau de bord du territoire"
#: a cell of a theme the commune's last diagnostic did not rate at all
NOT_IN_GRID = ""
NOT_RATED = "–"


def render_dashboard(
    dashboard: TerritoryDashboard,
    rows: Sequence[CommuneRow],
    output: str | os.PathLike[str] | IO[bytes],
    *,
    filters_text: str = "",
) -> int:
    """Write the dashboard of `rows` (the filtered communes) as PDF; return its pages."""
    doc = ReportDocument(
        os.fspath(output) if isinstance(output, str | os.PathLike) else output,
        title=f"{TITLE} — {dashboard.territory_label}",
        author="fieldvisit",
        subject=f"Comité de pilotage : situation des communes au {day_text(dashboard.today)}",
        keywords=["Petites Villes de demain", "sécurité du quotidien", "comité de pilotage"],
        decor=PageDecor(
            header_left=TITLE,
            header_right=f"{dashboard.territory_label} · {day_text(dashboard.today)}",
            footer_left=PROGRAMME,
            marking="Diffusion restreinte",
        ),
        with_cover=False,
    )
    doc.build_story(list(_story(dashboard, rows, filters_text)))
    return int(doc.page)


def write_dashboard(
    dashboard: TerritoryDashboard,
    rows: Sequence[CommuneRow],
    target: Path,
    *,
    filters_text: str = "",
) -> int:
    """Render into `target` through a temporary file (nothing half-written)."""
    with atomic_output(target, kind="PDF", prefix=".tableau-de-bord-", suffix=".pdf") as tmp:
        return render_dashboard(dashboard, rows, tmp, filters_text=filters_text)


def _story(
    dashboard: TerritoryDashboard, rows: Sequence[CommuneRow], filters_text: str
) -> Iterator[Flowable]:
    s = styles()
    yield heading(TITLE, 0, "tableau-de-bord", in_toc=False)
    yield para(
        f"{dashboard.territory_label.capitalize()} — situation au {day_text(dashboard.today)}",
        s.subtitle,
    )
    yield Spacer(1, 2 * mm)
    summary = (
        f"{len(rows)} commune(s) ; {sum(r.open_actions for r in rows)} action(s) ouverte(s), "
        f"dont {sum(r.late_actions for r in rows)} en retard."
    )
    if filters_text:
        summary += f" Filtres : {filters_text}."
    yield para(summary, s.body)
    if not rows:
        yield para("Aucune commune ne répond à ces filtres.", s.note)
        return
    yield heading("1. Les communes", 1, "communes", in_toc=False)
    yield _communes_table(rows)
    diagnosed = [r for r in rows if r.diagnostic_date is not None]
    yield heading("2. Niveaux de préoccupation par thème", 1, "carte", in_toc=False)
    if not diagnosed or not dashboard.themes:
        yield para("Aucun diagnostic pour ces communes.", s.note)
        return
    yield para(
        "Niveau du dernier diagnostic de chaque commune, de 1 (faible) à 4 (très "
        f"préoccupant) ; « {NOT_RATED} » : thème non évalué ; case vide : thème absent de "
        "la grille utilisée.",
        s.note,
    )
    yield Spacer(1, 2 * mm)
    yield _heat_map(diagnosed, dashboard.themes)
    yield Spacer(1, 3 * mm)
    yield _legend()
    yield Spacer(1, 2 * mm)
    yield boxed(
        [
            markup("<b>Thèmes</b>", s.small),
            *(
                para(f"{number}. {label}", s.small)
                for number, (_theme, label) in enumerate(dashboard.themes, start=1)
            ),
        ]
    )


def _visit_text(row: CommuneRow, which: str) -> str:
    mark = row.last_visit if which == "last" else row.next_visit
    return day_text(mark.visit_date) if mark else "—"


def _communes_table(rows: Sequence[CommuneRow]) -> Table:
    s = styles()
    header = [
        para(text, s.header_cell)
        for text in (
            "Commune",
            "Dernière visite",
            "Prochaine visite",
            "Statut",
            "Actions ouvertes",
            "En retard",
            "Thèmes les plus préoccupants",
        )
    ]
    body = []
    for row in rows:
        name = f"{row.name} ({row.code})" + (" · PVD" if row.pvd else "")
        body.append(
            [
                para(name, s.cell_bold),
                para(_visit_text(row, "last"), s.cell),
                para(_visit_text(row, "next"), s.cell),
                para(row.status_label, s.cell),
                para(str(row.open_actions), s.cell),
                para(str(row.late_actions), s.cell),
                para(", ".join(row.concerns) or "—", s.cell_small),
            ]
        )
    widths = [38 * mm, 21 * mm, 21 * mm, 20 * mm, 16 * mm, 15 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    table = Table([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
                ("GRID", (0, 0), (-1, -1), 0.4, GREY_LINE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _heat_map(rows: Sequence[CommuneRow], themes: Sequence[tuple[str, str]]) -> Table:
    s = styles()
    name_width, date_width = 34 * mm, 23 * mm  # the v3 diagnostic has 22 themes
    cell_width = min(12 * mm, (FRAME_WIDTH - name_width - date_width) / max(len(themes), 1))
    header: list[object] = [
        para("Commune", s.header_cell),
        para("Diagnostic du", s.header_cell),
        *(para(str(number), s.header_cell) for number in range(1, len(themes) + 1)),
    ]
    data: list[list[object]] = [header]
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
        ("GRID", (0, 0), (-1, -1), 0.4, GREY_LINE),
        ("ALIGN", (2, 0), (-1, -1), "CENTER"),
        # Narrow level columns: a figure needs no more than a point each side.
        ("LEFTPADDING", (2, 0), (-1, -1), 1),
        ("RIGHTPADDING", (2, 0), (-1, -1), 1),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for y, row in enumerate(rows, start=1):
        line: list[object] = [
            para(row.name, s.cell),
            para(day_text(row.diagnostic_date) if row.diagnostic_date else "", s.cell),
        ]
        for x, (theme, _label) in enumerate(themes, start=2):
            if theme not in row.levels:
                line.append(NOT_IN_GRID)
                continue
            level = row.levels[theme]
            line.append(NOT_RATED if level is None else str(level))
            commands.append(("BACKGROUND", (x, y), (x, y), LEVEL_COLOURS.get(level)))
        data.append(line)
    table = Table(
        data, colWidths=[name_width, date_width, *([cell_width] * len(themes))], repeatRows=1
    )
    table.setStyle(table_style(commands))
    return table


def _legend() -> Table:
    s = styles()
    cells: list[object] = []
    commands: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for x, (level, label) in enumerate(sorted(CONCERN_LABELS.items(), key=_legend_order)):
        cells += [NOT_RATED if level is None else str(level), para(label, s.small)]
        commands.append(("BACKGROUND", (2 * x, 0), (2 * x, 0), LEVEL_COLOURS[level]))
        commands.append(("ALIGN", (2 * x, 0), (2 * x, 0), "CENTER"))
    width = (FRAME_WIDTH - 5 * 7 * mm) / 5
    table = Table([cells], colWidths=[7 * mm, width] * 5)
    table.setStyle(table_style(commands))
    return table


def _legend_order(item: tuple[int | None, str]) -> int:
    return 0 if item[0] is None else item[0]
