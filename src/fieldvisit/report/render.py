"""Draw a VisitReport as an A4 PDF with reportlab platypus.

Only drawing happens here: what the report contains was decided by `model.py`.
Chapters, in order: cover, table of contents, synthèse, checklist, entretiens,
diagnostic, plan d'actions, annexe photographique, (internal only) notes de terrain,
visa et signatures. Empty chapters are left out, and the numbering follows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreakIfNotEmpty,
    Spacer,
    Table,
)

from fieldvisit.core.dates import day_text
from fieldvisit.report import images
from fieldvisit.report.blocks import (
    LEGEND,
    boxed,
    chunks,
    confidential_tag,
    info_table,
    item_table,
)
from fieldvisit.report.chart import concern_chart
from fieldvisit.report.document import (
    Bookmark,
    PageDecor,
    ReportDocument,
    heading,
    start_body,
    table_of_contents,
)
from fieldvisit.report.jpeg import JpegImage
from fieldvisit.report.model import (
    PROGRAMME,
    ActionRow,
    DiagnosticReport,
    InterviewReport,
    PhotoEntry,
    Progress,
    ThemeResult,
    VisitReport,
)
from fieldvisit.report.styles import (
    BLUE,
    BLUE_LIGHT,
    FRAME_WIDTH,
    GREY,
    GREY_LINE,
    LEVEL_COLOURS,
    RED,
    Para,
    markup,
    para,
    styles,
    table_style,
    text,
)
from fieldvisit.report.text import long_date, population_text, timestamp_text

PHOTO_MAX_HEIGHT = 105 * mm
# Room a section needs at the foot of a page for its heading, its description and the
# first rows of its table; with less, it starts on the next page.
SECTION_START = 32 * mm
EXPECTED_PASSES = 2  # multiBuild: a layout pass, then the drawn one (rarely a third)


def render_report(
    report: VisitReport,
    output: str | os.PathLike[str] | IO[bytes],
    *,
    progress: Progress | None = None,
    image_cache_dir: Path | None = None,
) -> int:
    """Write the report as PDF to a path or binary file; return its number of pages.

    `progress(done, total)` is called from this thread as photos are prepared and
    layout passes run. Photo renditions go to `image_cache_dir` (reused across runs;
    see images.py), or are made in memory when None. Their JPEG bytes go into the PDF
    as they are (report/jpeg.py).
    """
    total = len(report.photos) + EXPECTED_PASSES + 1
    if progress is not None:
        progress(0, total)
    renditions = images.prepare_renditions(
        [(photo.source, photo.sha256) for photo in report.photos],
        image_cache_dir,
        on_done=(lambda n: progress(n, total)) if progress is not None else None,
    )
    target = os.fspath(output) if isinstance(output, str | os.PathLike) else output
    doc = ReportDocument(
        target,
        title=report.title,
        author=report.author_line,
        subject=report.subject,
        keywords=["Petites Villes de demain", "sécurité du quotidien", report.commune_name],
        decor=PageDecor(
            header_left=f"Rapport de visite — {report.commune_label}",
            header_right=long_date(report.visit_date),
            footer_left=PROGRAMME,
            cover_band=PROGRAMME.upper(),
            marking=report.marking,
        ),
        progress=progress,
        progress_offset=len(report.photos),
        progress_total=total,
    )
    doc.build_story(list(_story(report, renditions)))
    if progress is not None:
        progress(total, total)
    return int(doc.page)


def _story(report: VisitReport, renditions: list[images.Rendition | None]) -> Iterator[Flowable]:
    yield from _cover(report)
    yield from start_body()
    yield from table_of_contents()
    chapters: list[Callable[[str], Iterator[Flowable]]] = [lambda n: _synthese(report, n)]
    if report.checklist:
        chapters.append(lambda n: _checklist(report, n))
    if report.interviews:
        chapters.append(lambda n: _interviews(report, n))
    if report.diagnostic is not None and report.diagnostic.parts:
        diagnostic = report.diagnostic
        chapters.append(lambda n: _diagnostic(report, diagnostic, n))
    chapters.append(lambda n: _action_plan(report, n))
    if report.photos:
        chapters.append(lambda n: _photo_annex(report, renditions, n))
    if report.field_notes:
        chapters.append(lambda n: _field_notes(report, n))
    chapters.append(lambda n: _signatures(report, n))
    for number, chapter in enumerate(chapters, start=1):
        if number > 1:
            yield CondPageBreak(80 * mm)
        yield from chapter(str(number))


# -- cover -------------------------------------------------------------------------


def _cover(report: VisitReport) -> Iterator[Flowable]:
    s = styles()
    yield Bookmark("Couverture", "couverture")
    yield para("Offre de service « sécurité du quotidien » — ANCT · Gendarmerie nationale", s.small)
    yield Spacer(1, 26 * mm)
    yield para("Rapport de visite", s.subtitle)
    yield Spacer(1, 2 * mm)
    yield Para(text(report.commune_name), s.title)
    yield Para(
        text(
            f"{report.departement_name} ({report.departement})"
            if report.departement_name
            else f"Département {report.departement}"
        ),
        s.subtitle,
    )
    yield Spacer(1, 6 * mm)
    yield Para(text(f"{report.visit_type} du {long_date(report.visit_date)}"), s.h2)
    yield Spacer(1, 8 * mm)
    if report.marking:
        yield boxed(
            [
                para(report.marking.upper(), s.marking),
                para(
                    "Version interne : contient des informations confidentielles de la "
                    "gendarmerie, marquées « Confidentiel ». Ne pas diffuser hors des "
                    "services destinataires ; une version partageable existe pour la commune.",
                    s.small,
                ),
            ],
            colour=RED,
            fill=None,
        )
    else:
        yield para("Version partageable, destinée à la commune et aux partenaires.", s.small)
    yield Spacer(1, 8 * mm)
    yield info_table(_cover_rows(report))
    yield Spacer(1, 10 * mm)
    issued = f"Rapport émis le {long_date(report.issued_on)}. " if report.issued_on else ""
    yield para(
        f"{issued}Document établi le {timestamp_text(report.generated_at)} avec fieldvisit.",
        s.note,
    )


def _cover_rows(report: VisitReport) -> list[tuple[str, str]]:
    visit_type = report.visit_type
    if report.previous_visit_date is not None:
        visit_type += f" (visite précédente du {day_text(report.previous_visit_date)})"
    participants = "\n".join(
        f"{p.name} — {p.description}" if p.description else p.name for p in report.participants
    )
    rows = [
        ("Commune", f"{report.commune_name} (code INSEE {report.commune_code})"),
        ("Département", f"{report.departement_name} ({report.departement})".strip()),
        ("Intercommunalité (EPCI)", report.epci or "—"),
        ("Population", population_text(report.population)),
        ("Date de la visite", long_date(report.visit_date)),
        ("Type de visite", visit_type),
        ("Rédaction", "\n".join(report.authors) or "—"),
        ("Participants", participants or "—"),
    ]
    if report.issued_on is not None:
        rows.append(("Émission du rapport", long_date(report.issued_on)))
    return rows


# -- synthèse ------------------------------------------------------------------------


def _synthese(report: VisitReport, n: str) -> Iterator[Flowable]:
    s = styles()
    figures = report.key_figures
    yield heading(f"{n}. Synthèse", 0, "synthese")
    if report.summary:
        for piece in chunks(report.summary):
            yield Para(text(piece), s.body)
    else:
        yield para("Aucune synthèse n'a été rédigée pour cette visite.", s.note)
    yield heading(f"{n}.1 Chiffres clés", 1, "chiffres-cles")
    serious = figures.serious_concerns
    boxes = [
        (f"{figures.items_answered} / {figures.items_visible}", "éléments renseignés"),
        (
            str(serious),
            "thèmes préoccupants ou très préoccupants"
            if serious > 1
            else "thème préoccupant ou très préoccupant",
        ),
        (
            f"{figures.actions_open} / {figures.actions_total}",
            "actions ouvertes" if figures.actions_open > 1 else "action ouverte",
        ),
        (str(figures.interviews), "entretiens" if figures.interviews > 1 else "entretien"),
        (str(figures.photos), "photos" if figures.photos > 1 else "photo"),
    ]
    width = FRAME_WIDTH / len(boxes)
    yield Table(
        [
            [Para(text(value), s.figure) for value, _ in boxes],
            [Para(text(label), s.figure_label) for _, label in boxes],
        ],
        colWidths=[width] * len(boxes),
        style=table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BLUE_LIGHT),
                ("LINEAFTER", (0, 0), (-2, -1), 2, "white"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        ),
        spaceAfter=8,
    )
    if figures.themes_total:
        yield markup(
            f"<b>Préoccupations par niveau</b> ({figures.themes_rated} thèmes évalués "
            f"sur {figures.themes_total}) :",
            s.body,
        )
        yield _levels_table(figures.concerns_by_level)
    urgent = [a for a in report.actions if a.is_open and a.priority == 1]
    if urgent:
        yield markup("<b>Actions prioritaires</b> (priorité 1, ouvertes) :", s.body)
        for action in urgent:
            yield para(
                f"{action.text} — {action.porteur}, {action.horizon.lower()}",
                s.bullet,
                bulletText="•",
            )


def _levels_table(levels: tuple[tuple[str, int], ...]) -> Table:
    s = styles()
    order = (4, 3, 2, 1, None)
    data = [
        ["", Para(text(label), s.cell), Para(str(count), s.cell_bold)] for label, count in levels
    ]
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, row), (0, row), LEVEL_COLOURS[level]) for row, level in enumerate(order)
    ]
    return Table(
        data,
        colWidths=[6 * mm, 50 * mm, 12 * mm],
        style=table_style(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, GREY_LINE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                *commands,
            ]
        ),
        hAlign="LEFT",
        spaceAfter=8,
    )


# -- checklist, interviews -------------------------------------------------------------


def _legend(report: VisitReport) -> Para:
    s = styles()
    extra = ""
    if not report.shareable:
        extra = (
            f" — {confidential_tag()} : information confidentielle, absente de la version "
            "partageable"
        )
    return markup(f"Légende : {LEGEND}{extra}.", s.note)


def _checklist(report: VisitReport, n: str) -> Iterator[Flowable]:
    s = styles()
    yield heading(f"{n}. {report.checklist_title}", 0, "checklist")
    yield _legend(report)
    yield Spacer(1, 2 * mm)
    for index, section in enumerate(report.checklist, start=1):
        yield CondPageBreak(SECTION_START)  # never a heading alone at the foot of a page
        yield heading(f"{n}.{index} {section.title}", 1, f"checklist-{section.section_id}")
        if section.description:
            yield Para(text(section.description), s.note)
            yield Spacer(1, 1.5 * mm)
        yield item_table(section.items, show_confidential=not report.shareable)


def _interviews(report: VisitReport, n: str) -> Iterator[Flowable]:
    yield heading(f"{n}. Entretiens", 0, "entretiens")
    yield _legend(report)
    for index, interview in enumerate(report.interviews, start=1):
        if index > 1:
            yield CondPageBreak(60 * mm)
        yield from _interview(report, interview, f"{n}.{index}", f"entretien-{index}")


def _interview(
    report: VisitReport, interview: InterviewReport, n: str, key: str
) -> Iterator[Flowable]:
    s = styles()
    yield heading(f"{n} {interview.title}", 1, key)
    people = "\n".join(
        f"{p.name} — {p.description}" if p.description else p.name for p in interview.interviewees
    )
    yield info_table(
        [
            ("Date", long_date(interview.held_on) if interview.held_on else "—"),
            ("Guide d'entretien", interview.guide_title),
            ("Personnes rencontrées", people or "—"),
        ]
    )
    yield Spacer(1, 3 * mm)
    for section in interview.sections:
        yield CondPageBreak(SECTION_START)
        yield heading(section.title, 2, f"{key}-{section.section_id}", in_toc=False)
        yield item_table(section.items, show_confidential=not report.shareable)
    if interview.notes:
        yield CondPageBreak(25 * mm)
        yield heading("Notes libres", 2, f"{key}-notes", in_toc=False)
        for piece in chunks(interview.notes):
            yield Para(text(piece), s.body)


# -- diagnostic ------------------------------------------------------------------------


def _diagnostic(report: VisitReport, diagnostic: DiagnosticReport, n: str) -> Iterator[Flowable]:
    s = styles()
    yield heading(f"{n}. {diagnostic.title}", 0, "diagnostic")
    if diagnostic.description:
        yield Para(text(diagnostic.description), s.note)
    themes = diagnostic.themes
    if themes:
        yield heading(f"{n}.1 Niveaux de préoccupation par thème", 1, "diagnostic-graphique")
        yield concern_chart([(part.title, part.themes) for part in diagnostic.parts], FRAME_WIDTH)
        yield Spacer(1, 2 * mm)
        yield para(
            "Échelle propre à l'application (aucune échelle officielle) : 1 faible, "
            "2 modéré, 3 préoccupant, 4 très préoccupant.",
            s.note,
        )
    offset = 2 if themes else 1
    for index, part in enumerate(diagnostic.parts, start=offset):
        yield CondPageBreak(SECTION_START)
        yield heading(f"{n}.{index} {part.title}", 1, f"diagnostic-{part.section_id}")
        if part.description:
            yield Para(text(part.description), s.note)
            yield Spacer(1, 1.5 * mm)
        if part.items:
            yield item_table(part.items, show_confidential=not report.shareable)
        if part.themes:
            yield CondPageBreak(25 * mm)  # the header row and a theme or two together
            yield _themes_table(part.themes)


def _themes_table(themes: tuple[ThemeResult, ...]) -> Table:
    s = styles()
    data: list[list[object]] = [
        [
            Para("Thème", s.header_cell),
            Para("Niveau", s.header_cell),
            Para("Constats", s.header_cell),
        ]
    ]
    commands: list[tuple[object, ...]] = []
    for row, theme in enumerate(themes, start=1):
        data.append(
            [
                Para(text(theme.label), s.cell_bold),
                Para(text(theme.level_label), s.cell_small),
                Para(text(theme.observations) if theme.observations else "—", s.cell),
            ]
        )
        commands.append(("BACKGROUND", (1, row), (1, row), LEVEL_COLOURS[theme.level]))
    return Table(
        data,
        colWidths=[55 * mm, 27 * mm, FRAME_WIDTH - 82 * mm],
        repeatRows=1,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *commands,
            ]
        ),
        hAlign="LEFT",
        spaceBefore=4,
        spaceAfter=6,
    )


# -- action plan -----------------------------------------------------------------------

ACTION_COLUMNS = (  # widths in mm, 170 in all; the action's text gets the most
    ("Prio.", 10),
    ("Action", 60),
    ("Porteur", 24),
    ("Dispositif", 26),
    ("Échéance", 18),
    ("Statut", 17),
    ("Origine", 15),
)


def _action_plan(report: VisitReport, n: str) -> Iterator[Flowable]:
    s = styles()
    yield heading(f"{n}. Plan d'actions", 0, "plan-actions")
    if not report.actions:
        yield para("Aucune recommandation n'a été retenue lors de cette visite.", s.note)
        return
    yield para(
        "Recommandations classées par priorité (1 : haute). « Reportée » : action ouverte "
        "reprise de la visite précédente ; « Nouvelle » : retenue lors de cette visite.",
        s.note,
    )
    yield Spacer(1, 2 * mm)
    data: list[list[object]] = [[Para(title, s.header_cell) for title, _ in ACTION_COLUMNS]]
    commands: list[tuple[object, ...]] = []
    for row, action in enumerate(report.actions, start=1):
        data.append(_action_row(action))
        if action.priority == 1:
            commands.append(("TEXTCOLOR", (0, row), (0, row), RED))
    yield Table(
        data,
        colWidths=[width * mm for _, width in ACTION_COLUMNS],
        repeatRows=1,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                *commands,
            ]
        ),
        hAlign="LEFT",
    )


def _action_row(action: ActionRow) -> list[object]:
    s = styles()
    detail = action.horizon
    if action.theme:
        detail = f"{action.theme} · {detail}"
    due = day_text(action.due_date) if action.due_date else "—"
    priority_colour = RED.hexval() if action.priority == 1 else BLUE.hexval()
    return [
        markup(f'<font color="{priority_colour}"><b>P{action.priority}</b></font>', s.cell),
        [Para(text(action.text), s.cell), Para(text(detail), s.note)],
        Para(text(action.porteur), s.cell_small),
        Para(text(action.dispositif), s.cell_small),
        Para(due, s.cell_small),
        Para(text(action.status), s.cell_small),
        para(action.origin, s.cell_small),
    ]


# -- annexes, signatures ----------------------------------------------------------------


def _photo_annex(
    report: VisitReport, renditions: list[images.Rendition | None], n: str
) -> Iterator[Flowable]:
    # Not PageBreak: when the chapter's CondPageBreak has just begun a page, a plain
    # PageBreak left that page empty but for its header and footer.
    yield PageBreakIfNotEmpty()
    yield heading(f"{n}. Annexe photographique", 0, "photos")
    for photo, rendition in zip(report.photos, renditions, strict=True):
        yield KeepTogether([*_photo(photo, rendition), Spacer(1, 6 * mm)])


def _photo(photo: PhotoEntry, rendition: images.Rendition | None) -> list[Flowable]:
    s = styles()
    caption = f"<b>Photo {photo.number}</b> — {text(photo.caption)}"
    if photo.linked_to:
        caption += f"<br/><font color='{GREY.hexval()}'>Élément : {text(photo.linked_to)}</font>"
    if rendition is None:
        return [
            para(f"Photo {photo.number} : fichier absent ou illisible ({photo.filename}).", s.note),
            markup(caption, s.caption),
        ]
    scale = min(FRAME_WIDTH / rendition.width, PHOTO_MAX_HEIGHT / rendition.height)
    image = JpegImage(rendition, rendition.width * scale, rendition.height * scale)
    return [image, markup(caption, s.caption)]


def _field_notes(report: VisitReport, n: str) -> Iterator[Flowable]:
    s = styles()
    yield heading(f"{n}. Notes de terrain non classées", 0, "notes-terrain")
    yield para(
        "Notes rapides prises pendant la visite et pas encore rattachées à un élément ; "
        "elles ne figurent que dans la version interne.",
        s.note,
    )
    for note in report.field_notes:
        yield para(note, s.bullet, bulletText="•")


def _signatures(report: VisitReport, n: str) -> Iterator[Flowable]:
    s = styles()
    signers = [f"Rédaction : {author}" for author in report.authors] or ["Rédaction"]
    signers.append("Visa du responsable")
    cells: list[object] = [
        [Para(text(name), s.cell_bold), Spacer(1, 3 * mm), Para("Signature :", s.note)]
        for name in signers
    ]
    columns = 2
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    rows[-1] += [""] * (columns - len(rows[-1]))
    width = FRAME_WIDTH / columns
    block: list[Flowable] = [
        heading(f"{n}. Visa et signatures", 0, "signatures"),
        para("Fait à ______________________________, le ____ / ____ / ________", s.body),
        Spacer(1, 4 * mm),
        Table(
            rows,
            colWidths=[width] * columns,
            rowHeights=[32 * mm] * len(rows),
            style=table_style(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, GREY_LINE),
                    ("INNERGRID", (0, 0), (-1, -1), 0.6, GREY_LINE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ]
            ),
        ),
    ]
    yield KeepTogether(block)
