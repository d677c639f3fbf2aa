"""Draw a VisitReport as an A4 PDF with reportlab platypus.

Only drawing happens here: what the report contains was decided by `model.py`.
In order: the cover; the synthèse, written for the maire (one to two pages: what the
visit found in each part of the diagnostic and on the walk, the priority actions with
who and when, the next step); the table of contents; the diagnostic (chart and themes),
the plan d'actions, visa et signatures; then the annexes with the raw answers
(checklist, diagnostic items, entretiens), the photos and (internal only) the notes de
terrain. Empty chapters are left out, and the numbering follows.

No heading is left alone at the foot of a page: each goes with the start of what
follows it (`KeepWithFirst`). A draft prints « PROJET » on every page.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    PageBreakIfNotEmpty,
    Spacer,
    Table,
)

from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.core.domain import SignerRole
from fieldvisit.core.signature import ASPECT as SIGNATURE_ASPECT
from fieldvisit.core.signature import signature_png
from fieldvisit.report import images, walk
from fieldvisit.report.blocks import (
    LEGEND,
    MARKS,
    boxed,
    chunks,
    confidential_tag,
    info_table,
    item_table,
    withheld_tag,
)
from fieldvisit.report.chart import LEVEL_NAMES, concern_chart, evolution_chart, trend_chart
from fieldvisit.report.document import (
    DRAFT_FOOTER,
    Bookmark,
    Heading,
    KeepWithFirst,
    PageDecor,
    ReportDocument,
    heading,
    start_body,
    table_of_contents,
)
from fieldvisit.report.jpeg import JpegImage
from fieldvisit.report.logo import Logo, load_logo
from fieldvisit.report.model import (
    PROGRAMME,
    ActionRow,
    DiagnosticReport,
    EvolutionReport,
    InterviewReport,
    ItemResult,
    Mark,
    PhotoEntry,
    Progress,
    SignatureEntry,
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
LOGO_WIDTH, LOGO_HEIGHT = 45 * mm, 22 * mm  # the box the cover's logo fits in
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
    logo: Path | None = None,
) -> int:
    """Write the report as PDF to a path or binary file; return its number of pages.

    `progress(done, total)` is called from this thread as photos are prepared and
    layout passes run. Photo renditions go to `image_cache_dir` (reused across runs;
    see images.py), or are made in memory when None. Their JPEG bytes go into the PDF
    as they are (report/jpeg.py). `logo`: an image file for the cover (BadInput if it
    is not one).
    """
    cover_logo = load_logo(logo) if logo is not None else None
    total = len(report.photos) + EXPECTED_PASSES + 1
    if progress is not None:
        progress(0, total)
    renditions = images.prepare_renditions(
        [(photo.source, photo.sha256, photo.shapes) for photo in report.photos],
        image_cache_dir,
        on_done=(lambda n: progress(n, total)) if progress is not None else None,
    )
    plan = walk.plan_rendition(report, image_cache_dir)
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
            draft=report.is_draft,
            reference=report.reference_line,
        ),
        progress=progress,
        progress_offset=len(report.photos),
        progress_total=total,
    )
    doc.build_story(list(_story(report, renditions, cover_logo, plan)))
    if progress is not None:
        progress(total, total)
    return int(doc.page)


def _story(
    report: VisitReport,
    renditions: list[images.Rendition | None],
    logo: Logo | None,
    plan: images.Rendition | None = None,
) -> Iterator[Flowable]:
    yield from _cover(report, logo)
    yield from start_body()
    yield from _synthese(report, "1")  # what the maire reads first: one to two pages
    yield PageBreakIfNotEmpty()
    yield from table_of_contents()
    chapters: list[Callable[[str], Iterator[Flowable]]] = []
    if report.diagnostic is not None and report.diagnostic.parts:
        diagnostic = report.diagnostic
        chapters.append(lambda n: _diagnostic(report, diagnostic, n))
    if report.evolution is not None:  # a follow-up
        evolution = report.evolution
        chapters.append(lambda n: _evolution(evolution, n))
    if walk.has_walk(report):  # what the walk found, before what is to be done
        chapters.append(lambda n: walk.walk_chapter(report, renditions, plan, n))
    chapters.append(lambda n: _action_plan(report, n))
    chapters.append(lambda n: _signatures(report, n))
    for number, chapter in enumerate(chapters, start=2):
        if number > 2:
            yield CondPageBreak(60 * mm)
        yield from chapter(str(number))
    # The raw answers, for whoever wants the detail.
    annexes: list[Callable[[str], Iterator[Flowable]]] = []
    if report.checklist:
        annexes.append(lambda n: _checklist(report, n))
    if report.diagnostic is not None and any(
        part.items or part.unanswered for part in report.diagnostic.parts
    ):
        diagnostic_answers = report.diagnostic
        annexes.append(lambda n: _diagnostic_answers(report, diagnostic_answers, n))
    if report.interviews:
        annexes.append(lambda n: _interviews(report, n))
    if report.photos:
        annexes.append(lambda n: _photo_annex(report, renditions, n))
    if report.field_notes:
        annexes.append(lambda n: _field_notes(report, n))
    for letter, annex in zip(ANNEX_LETTERS, annexes, strict=False):
        yield PageBreakIfNotEmpty()
        yield from annex(letter)


ANNEX_LETTERS = "ABCDEFGH"


# -- cover -------------------------------------------------------------------------


def _cover(report: VisitReport, logo: Logo | None) -> Iterator[Flowable]:
    s = styles()
    yield Bookmark("Couverture", "couverture")
    offer = para(
        "Offre de service « sécurité du quotidien » — ANCT · Gendarmerie nationale", s.small
    )
    if logo is not None:
        scale = min(LOGO_WIDTH / logo.width, LOGO_HEIGHT / logo.height)
        picture = Image(io.BytesIO(logo.png), logo.width * scale, logo.height * scale)
        picture.hAlign = "RIGHT"
        yield Table(
            [[offer, picture]],
            colWidths=[FRAME_WIDTH - LOGO_WIDTH, LOGO_WIDTH],
            style=table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        yield Spacer(1, 6 * mm)
    else:
        yield offer
        yield Spacer(1, 20 * mm)
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
    yield Spacer(1, 5 * mm)
    yield Para(text(f"{report.visit_type} du {long_date(report.visit_date)}"), s.h2)
    yield para(report.reference_line, s.cover_label)
    yield Spacer(1, 5 * mm)
    if report.is_draft:
        yield boxed(
            [
                para(DRAFT_FOOTER, s.marking),
                para(
                    f"La visite est « {report.status.lower()} » : constats et actions peuvent "
                    "encore changer. Ne pas diffuser comme rapport définitif.",
                    s.small,
                ),
            ],
            colour=RED,
            fill=None,
        )
        yield Spacer(1, 4 * mm)
    if report.marking:
        yield boxed(
            [
                para(report.marking.upper(), s.marking),
                para(
                    "Version interne : contient des informations confidentielles de la "
                    "gendarmerie, marquées « Confidentiel », et des réponses réservées aux "
                    "services, marquées « Interne ». Ne pas diffuser hors des services "
                    "destinataires ; une version partageable existe pour la commune.",
                    s.small,
                ),
            ],
            colour=RED,
            fill=None,
        )
    else:
        left_out: list[Flowable] = [
            para("Version partageable, destinée à la commune et aux partenaires.", s.small)
        ]
        if report.left_out_parts:
            left_out.append(
                para(
                    "Parties non reproduites dans cette version (questions réservées aux "
                    "services) :",
                    s.small,
                )
            )
            left_out += [
                para(part, s.bullet_small, bulletText="•") for part in report.left_out_parts
            ]
        yield boxed(left_out)
    yield Spacer(1, 6 * mm)
    yield info_table(cover_rows(report))
    yield Spacer(1, 6 * mm)
    issued = f"Rapport émis le {long_date(report.issued_on)}. " if report.issued_on else ""
    yield para(
        f"{issued}Document établi le {timestamp_text(report.generated_at)} avec fieldvisit.",
        s.note,
    )


def cover_rows(report: VisitReport) -> list[tuple[str, str]]:
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
        ("Destinataires", "\n".join(report.recipients) or "—"),
    ]
    if report.issued_on is not None:
        rows.append(("Émission du rapport", long_date(report.issued_on)))
    return rows


# -- synthèse ------------------------------------------------------------------------

SUMMARY_THEME_CHARS = 220  # a theme's observations, cut in the summary (whole in chapter 2)
SUMMARY_CONCERNS = 6  # concerns of the walk named in the summary; the rest in the annex


def _synthese(report: VisitReport, n: str) -> Iterator[Flowable]:
    s = styles()
    figures = report.key_figures
    yield heading(f"{n}. Synthèse", 0, "synthese")
    if report.summary:
        for piece in chunks(report.summary):
            yield Para(text(piece), s.body)
    else:
        yield para("Aucune synthèse n'a été rédigée pour cette visite.", s.note)
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
                ("LINEAFTER", (0, 0), (-1, -2), 2, "white"),
                ("LINEAFTER", (0, 0), (-2, -1), 2, "white"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        ),
        spaceBefore=4,
        spaceAfter=4,
    )
    yield from _findings(report, n)
    yield KeepWithFirst(
        [heading(f"{n}.2 Actions prioritaires", 1, "actions-prioritaires")],
        _priority_actions(report),
    )
    yield KeepWithFirst(
        [heading(f"{n}.3 Prochaine étape", 1, "prochaine-etape")],
        para(report.next_step, s.body),
    )
    annex = "Le détail des réponses (parcours, diagnostic, entretiens) figure en annexe."
    yield para(annex, s.note)


def _findings(report: VisitReport, n: str) -> Iterator[Flowable]:
    """What the visit found, in the three parts of the diagnostic, then on the walk."""
    s = styles()
    title = heading(f"{n}.1 Ce que la visite a constaté", 1, "constats")
    parts = report.diagnostic.parts if report.diagnostic is not None else ()
    blocks: list[tuple[str, list[Flowable]]] = []
    for part in parts:
        lines: list[Flowable] = []
        rated = part.rated
        if not part.themes:
            pass
        elif not rated:
            lines.append(para("Aucun thème n'a encore été évalué.", s.note))
        else:
            rated_words = _plural(len(rated), "thème évalué", "thèmes évalués")
            lines.append(para(f"{rated_words} sur {len(part.themes)}.", s.note))
            for theme in rated:
                if (theme.level or 0) < 3:
                    continue
                observation = _cut(theme.observations, SUMMARY_THEME_CHARS)
                lines.append(
                    markup(
                        f"<b>{text(theme.label)}</b> — {LEVEL_NAMES[theme.level or 1].lower()}"
                        + (f" : {text(observation)}" if observation else ""),
                        s.bullet,
                        bulletText="•",
                    )
                )
            calm = [theme.label for theme in rated if (theme.level or 0) < 3]
            if calm:
                lines.append(
                    para("Faible ou modéré : " + ", ".join(calm) + ".", s.bullet, bulletText="•")
                )
        for item in part.concerns:
            lines.append(_concern_line(item))
        if lines:
            blocks.append((part.title, lines))
    concerns = [(section.title, item) for section in report.checklist for item in section.concerns]
    answered = sum(section.answered for section in report.checklist)
    if report.checklist:
        lines = []
        if not concerns:
            lines.append(
                para(f"Aucun point de vigilance parmi les {answered} constats du parcours.", s.note)
            )
        else:
            lines.append(
                para(
                    _plural(len(concerns), "point de vigilance", "points de vigilance")
                    + f" parmi les {answered} constats du parcours :",
                    s.note,
                )
            )
            lines += [_concern_line(item) for _, item in concerns[:SUMMARY_CONCERNS]]
            if len(concerns) > SUMMARY_CONCERNS:
                rest = len(concerns) - SUMMARY_CONCERNS
                others = _plural(rest, "autre", "autres")
                lines.append(para(f"… et {others} : voir l'annexe A.", s.note))
        blocks.append((report.checklist_title or "Parcours", lines))
    if not blocks:
        yield KeepWithFirst([title], para("Aucun constat n'a encore été saisi.", s.note))
        return
    for index, (part_title, lines) in enumerate(blocks):
        head: list[Flowable] = [heading(part_title, 2, f"constats-{index}", in_toc=False)]
        if index == 0:
            head.insert(0, title)
        yield KeepWithFirst(head, lines[0])
        yield from lines[1:]


def _concern_line(item: ItemResult) -> Para:
    s = styles()
    return markup(
        f"{text(item.label)} <b>{text(_cut(item.answer, 80))}</b>",
        s.bullet_concern,
        bulletText=MARKS[Mark.CONCERN][0],
    )


def _priority_actions(report: VisitReport) -> Flowable:
    s = styles()
    actions = report.priority_actions
    if not actions:
        return para("Aucune action ouverte dans le plan d'actions.", s.note)
    data: list[list[object]] = [
        [Para("Action", s.header_cell), Para("Qui", s.header_cell), Para("Quand", s.header_cell)]
    ]
    for action in actions:
        data.append(
            [
                Para(text(action.text), s.cell),
                Para(text(action.porteur or "À désigner"), s.cell_small),
                Para(text(action.when), s.cell_small),
            ]
        )
    return Table(
        data,
        colWidths=[FRAME_WIDTH - 70 * mm, 42 * mm, 28 * mm],
        repeatRows=1,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
            ]
        ),
        hAlign="LEFT",
        spaceAfter=4,
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _cut(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, « … » when cut."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value.rfind(" ", 0, limit)
    return value[: cut if cut > limit // 2 else limit].rstrip(" ,;:.") + "…"


# -- annexes of raw answers: checklist, diagnostic items, interviews --------------------


def _legend(report: VisitReport) -> Para:
    s = styles()
    extra = ""
    if not report.shareable:
        extra = (
            f" — {confidential_tag()} information confidentielle, {withheld_tag()} réponse "
            "réservée aux services : absentes de la version partageable"
        )
    return markup(f"Légende : {LEGEND}{extra}.", s.note)


def _section(
    report: VisitReport,
    title: Heading,
    description: str,
    items: tuple[ItemResult, ...],
    unanswered: int,
    lead: list[Flowable] | None = None,
) -> Iterator[Flowable]:
    """A heading, its description, the answered items' table and how many were not
    (`lead`: what goes before the heading, kept with it)."""
    s = styles()
    head: list[Flowable] = [*(lead or []), title]
    if description:
        head.append(Para(text(description), s.note))
    counted = unanswered_note(unanswered, bool(items))
    if not items:
        yield KeepWithFirst(head, para(counted, s.note))
        return
    if counted:
        head.append(para(counted, s.note))
    yield KeepWithFirst(head, item_table(items, show_confidential=not report.shareable))


def unanswered_note(count: int, any_answered: bool) -> str:
    if not any_answered:
        return f"Aucun élément renseigné ({count} sans réponse)." if count else ""
    if not count:
        return ""
    if count == 1:
        return "1 élément sans réponse, non repris dans le tableau."
    return f"{count} éléments sans réponse, non repris dans le tableau."


def _checklist(report: VisitReport, n: str) -> Iterator[Flowable]:
    # The annex's heading and legend go with its first section.
    lead: list[Flowable] = [
        heading(f"Annexe {n}. {report.checklist_title} : réponses", 0, "checklist"),
        _legend(report),
    ]
    for index, section in enumerate(report.checklist, start=1):
        title = heading(f"{n}.{index} {section.title}", 1, f"checklist-{section.section_id}")
        yield from _section(
            report, title, section.description, section.items, section.unanswered, lead
        )
        lead = []


def _diagnostic_answers(
    report: VisitReport, diagnostic: DiagnosticReport, n: str
) -> Iterator[Flowable]:
    yield heading(f"Annexe {n}. {diagnostic.title} : réponses", 0, "diagnostic-reponses")
    yield _legend(report)
    index = 0
    for part in diagnostic.parts:
        if not part.items and not part.unanswered:
            continue
        index += 1
        title = heading(f"{n}.{index} {part.title}", 1, f"diagnostic-reponses-{part.section_id}")
        yield from _section(report, title, "", part.items, part.unanswered)


def _interviews(report: VisitReport, n: str) -> Iterator[Flowable]:
    yield heading(f"Annexe {n}. Entretiens", 0, "entretiens")
    yield _legend(report)
    for index, interview in enumerate(report.interviews, start=1):
        if index > 1:
            yield CondPageBreak(60 * mm)
        yield from _interview(report, interview, f"{n}.{index}", f"entretien-{index}")


def _interview(
    report: VisitReport, interview: InterviewReport, n: str, key: str
) -> Iterator[Flowable]:
    s = styles()
    people = "\n".join(
        f"{p.name} — {p.description}" if p.description else p.name for p in interview.interviewees
    )
    yield KeepWithFirst(
        [heading(f"{n} {interview.title}", 1, key)],
        info_table(
            [
                ("Date", long_date(interview.held_on) if interview.held_on else "—"),
                ("Guide d'entretien", interview.guide_title),
                ("Personnes rencontrées", people or "—"),
            ]
        ),
    )
    yield Spacer(1, 3 * mm)
    for section in interview.sections:
        title = heading(section.title, 2, f"{key}-{section.section_id}", in_toc=False)
        yield from _section(report, title, "", section.items, section.unanswered)
    if interview.notes:
        pieces = chunks(interview.notes)
        yield KeepWithFirst(
            [heading("Notes libres", 2, f"{key}-notes", in_toc=False)],
            Para(text(pieces[0]), s.body),
        )
        for piece in pieces[1:]:
            yield Para(text(piece), s.body)


# -- diagnostic ------------------------------------------------------------------------


def _diagnostic(report: VisitReport, diagnostic: DiagnosticReport, n: str) -> Iterator[Flowable]:
    s = styles()
    head: list[Flowable] = [heading(f"{n}. {diagnostic.title}", 0, "diagnostic")]
    if diagnostic.description:
        head.append(Para(text(diagnostic.description), s.note))
    themes = diagnostic.themes
    rated = [(part.title, part.rated) for part in diagnostic.parts]
    not_rated = [theme.label for theme in themes if theme.level is None]
    offset = 1
    if any(group for _, group in rated):
        offset = 2
        head.append(heading(f"{n}.1 Niveaux de préoccupation par thème", 1, "diagnostic-graphique"))
        yield KeepWithFirst(head, concern_chart(rated, FRAME_WIDTH))
        yield Spacer(1, 2 * mm)
        scale = (
            "Échelle propre à l'application (aucune échelle officielle) : 1 faible, "
            "2 modéré, 3 préoccupant, 4 très préoccupant."
        )
        if not_rated:
            words = "thème", "non évalué, absent"
            if len(not_rated) > 1:
                words = "thèmes", "non évalués, absents"
            scale += f" {len(not_rated)} {words[0]} sur {len(themes)} {words[1]} du graphique."
        yield para(scale, s.note)
    elif themes:
        yield KeepWithFirst(head, para("Aucun thème n'a encore été évalué.", s.note))
    else:
        yield from head
    for index, part in enumerate((p for p in diagnostic.parts if p.themes), start=offset):
        part_head: list[Flowable] = [
            heading(f"{n}.{index} {part.title}", 1, f"diagnostic-{part.section_id}")
        ]
        if part.description:
            part_head.append(Para(text(part.description), s.note))
        missing = [theme.label for theme in part.themes if theme.level is None]
        if part.rated:
            yield KeepWithFirst(part_head, _themes_table(part.rated))
            if missing:
                yield para("Non évalués : " + ", ".join(missing) + ".", s.note)
        else:
            yield KeepWithFirst(
                part_head, para("Aucun thème évalué (" + ", ".join(missing) + ").", s.note)
            )
        if index == offset and diagnostic.crime_trends:  # part 1: the constat
            yield from _crime_trends(diagnostic)
        if part.section_id == SENTIMENT_PART and diagnostic.sentiments:
            yield from _sentiments(diagnostic)


SENTIMENT_PART = "sentiment_insecurite"  # the diagnostic's part 2 (forms/diagnostic-securite)


def _sentiments(diagnostic: DiagnosticReport) -> Iterator[Flowable]:
    """The feeling of insecurity as each rated it, side by side (forms/sentiment.py)."""
    s = styles()
    data: list[list[object]] = [
        [
            Para("Selon", s.header_cell),
            Para("Question", s.header_cell),
            Para("Niveau", s.header_cell),
        ]
    ]
    commands: list[tuple[object, ...]] = []
    for row, reading in enumerate(diagnostic.sentiments, start=1):
        data.append(
            [
                Para(text(reading.source), s.cell_bold),
                Para(text(reading.question), s.cell),
                Para(text(reading.level_label), s.cell_small),
            ]
        )
        if reading.comparable:
            commands.append(("BACKGROUND", (2, row), (2, row), LEVEL_COLOURS[reading.level]))
    table = Table(
        data,
        colWidths=[50 * mm, FRAME_WIDTH - 90 * mm, 40 * mm],
        repeatRows=1,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY_LINE),
                *commands,
            ]
        ),
        hAlign="LEFT",
        spaceBefore=2,
        spaceAfter=2,
    )
    head = [heading("Sentiment d'insécurité : regards croisés", 2, "diagnostic-ressenti", False)]
    yield KeepWithFirst(head, table)
    yield para(diagnostic.sentiment_note, s.note)


CHARTS_PER_ROW = 3


def _crime_trends(diagnostic: DiagnosticReport) -> Iterator[Flowable]:
    """The small charts of the commune's recorded crime, with their source line."""
    s = styles()
    trends = diagnostic.crime_trends
    column = FRAME_WIDTH / CHARTS_PER_ROW
    charts: list[object] = [trend_chart(series, column - 4 * mm) for series in trends]
    while len(charts) % CHARTS_PER_ROW:
        charts.append("")
    rows = [charts[i : i + CHARTS_PER_ROW] for i in range(0, len(charts), CHARTS_PER_ROW)]
    head = [
        heading("Délinquance enregistrée (données publiques)", 2, "diagnostic-ssmsi", False),
        para(
            "Faits enregistrés par la police et la gendarmerie, année par année ; "
            "« n.d. » : non diffusé (moins de 6 faits trois années de suite), ce qui "
            "n'est pas zéro. Taux pour 1 000 habitants (logements pour les cambriolages).",
            s.note,
        ),
    ]
    table = Table(
        rows,
        colWidths=[column] * CHARTS_PER_ROW,
        style=table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]),
        hAlign="LEFT",
        spaceBefore=2,
        spaceAfter=2,
    )
    yield KeepWithFirst(head, table)
    yield para(f"Source : {trends[0].source_line}.", s.note)


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


# -- evolution since the previous visit ----------------------------------------------

EVOLUTION_THEME_COLUMNS = (
    ("Thème", 62),
    ("Visite précédente", 38),
    ("Cette visite", 38),
    ("Tendance", 32),
)
OUTCOME_COLUMNS = (("Prio.", 10), ("Action", 104), ("Échéance", 20), ("Où en est-elle", 36))


def _evolution(evolution: EvolutionReport, n: str) -> Iterator[Flowable]:
    """A follow-up: the themes then and now (chart and table), the previous plan now."""
    s = styles()
    then = f"visite du {day_text(evolution.previous_visit_date)}"
    head: list[Flowable] = [heading(f"{n}. {evolution.title}", 0, "evolution")]
    if evolution.themes:
        head.append(heading(f"{n}.1 Thèmes : niveaux alors et aujourd'hui", 1, "evolution-themes"))
        yield KeepWithFirst(head, evolution_chart(evolution.themes, then, FRAME_WIDTH))
        yield Spacer(1, 2 * mm)
        yield _theme_changes_table(evolution)
    else:
        yield KeepWithFirst(
            head, para("Aucun thème n'a été évalué lors de l'une ou l'autre visite.", s.note)
        )
    title = heading(f"{n}.2 Actions de la {then}", 1, "evolution-actions")
    if not evolution.actions:
        yield KeepWithFirst(
            [title], para("Le plan de cette visite ne comptait aucune action.", s.note)
        )
        return
    note = para(
        "Chaque action du plan précédent, où elle en est aujourd'hui : « En retard » "
        "lorsqu'elle reste ouverte après son échéance.",
        s.note,
    )
    yield KeepWithFirst([title, note], _outcomes_table(evolution))


def _theme_changes_table(evolution: EvolutionReport) -> Table:
    s = styles()
    data: list[list[object]] = [
        [
            Para("Thème", s.header_cell),
            Para(text(f"Visite du {day_text(evolution.previous_visit_date)}"), s.header_cell),
            Para("Cette visite", s.header_cell),
            Para("Tendance", s.header_cell),
        ]
    ]
    commands: list[tuple[object, ...]] = []
    for row, change in enumerate(evolution.themes, start=1):
        data.append(
            [
                Para(text(change.label), s.cell_bold),
                Para(text(change.then_label), s.cell_small),
                Para(text(change.now_label), s.cell_small),
                Para(text(change.trend), s.cell_small),
            ]
        )
        commands.append(("BACKGROUND", (1, row), (1, row), LEVEL_COLOURS[change.level_then]))
        commands.append(("BACKGROUND", (2, row), (2, row), LEVEL_COLOURS[change.level_now]))
    return Table(
        data,
        colWidths=[width * mm for _, width in EVOLUTION_THEME_COLUMNS],
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


def _outcomes_table(evolution: EvolutionReport) -> Table:
    s = styles()
    data: list[list[object]] = [[Para(title, s.header_cell) for title, _ in OUTCOME_COLUMNS]]
    commands: list[tuple[object, ...]] = []
    for row, action in enumerate(evolution.actions, start=1):
        due = day_text(action.due_date) if action.due_date else "—"
        state = text(action.state)
        if action.late:
            state = f'<font color="{RED.hexval()}"><b>{state}</b></font>'
        data.append(
            [
                para(f"P{action.priority}", s.cell),
                Para(text(action.text), s.cell),
                Para(due, s.cell_small),
                markup(state, s.cell_small),
            ]
        )
        if action.priority == 1:
            commands.append(("TEXTCOLOR", (0, row), (0, row), RED))
    return Table(
        data,
        colWidths=[width * mm for _, width in OUTCOME_COLUMNS],
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
        spaceBefore=4,
    )


# -- action plan -----------------------------------------------------------------------

ACTION_COLUMNS = (  # widths in mm, 170 in all; the action's text gets the most
    ("Prio.", 10),
    ("Action", 56),
    ("Porteur", 28),
    ("Dispositifs", 26),
    ("Échéance", 19),
    ("Statut", 16),
    ("Origine", 15),
)


def _action_plan(report: VisitReport, n: str) -> Iterator[Flowable]:
    """The plan as a table: one row per action, and under it (across every column but
    the priority) what a contrat de sécurité needs of it — description, estimated cost
    and funding, success indicator, review date — so that the table stays readable at
    A4 rather than growing to twelve columns. An action and its detail row are never
    split over two pages."""
    s = styles()
    title = heading(f"{n}. Plan d'actions", 0, "plan-actions")
    if not report.actions:
        yield KeepWithFirst(
            [title], para("Aucune recommandation n'a été retenue lors de cette visite.", s.note)
        )
        return
    note = para(
        "Recommandations classées par priorité (1 : haute). « Reprise » : action ouverte "
        "reprise de la visite précédente ; « Nouvelle » : retenue lors de cette visite. "
        "Sous chaque action : sa description, son coût estimé et son financement, "
        "l'indicateur de réussite et la date de revue.",
        s.note,
    )
    data: list[list[object]] = [[Para(title, s.header_cell) for title, _ in ACTION_COLUMNS]]
    commands: list[tuple[object, ...]] = []
    for action in report.actions:
        first = len(data)
        data.append(_action_row(action))
        if action.priority == 1:
            commands.append(("TEXTCOLOR", (0, first), (0, first), RED))
        detail = _action_detail(action)
        if detail:
            data.append(["", detail, *[""] * (len(ACTION_COLUMNS) - 2)])
            commands += [
                ("SPAN", (1, first + 1), (-1, first + 1)),
                ("NOSPLIT", (0, first), (-1, first + 1)),
                ("TOPPADDING", (0, first + 1), (-1, first + 1), 0),
            ]
        commands.append(("LINEBELOW", (0, len(data) - 1), (-1, len(data) - 1), 0.3, GREY_LINE))
    table = Table(
        data,
        colWidths=[width * mm for _, width in ACTION_COLUMNS],
        repeatRows=1,
        style=table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), BLUE_LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, BLUE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                *commands,
            ]
        ),
        hAlign="LEFT",
        spaceBefore=4,
    )
    yield KeepWithFirst([title, note], table)


def _action_row(action: ActionRow) -> list[object]:
    s = styles()
    detail = action.horizon
    if action.theme:
        detail = f"{action.theme} · {detail}"
    due = day_text(action.due_date) if action.due_date else "—"
    priority_colour = RED.hexval() if action.priority == 1 else BLUE.hexval()
    # The organisation, then the person named (name and role only: a contact's phone
    # and e-mail are in neither variant).
    porteur: list[Para] = [Para(text(action.porteur), s.cell_small)]
    if action.porteur_person:
        porteur.append(Para(text(action.porteur_person), s.cell_small))
    return [
        markup(f'<font color="{priority_colour}"><b>P{action.priority}</b></font>', s.cell),
        [Para(text(action.text), s.cell), Para(text(detail), s.note)],
        porteur,
        Para(text("\n".join(action.dispositifs) or action.dispositif), s.cell_small),
        Para(due, s.cell_small),
        Para(text(action.status), s.cell_small),
        para(action.origin, s.cell_small),
    ]


def _action_detail(action: ActionRow) -> list[Para]:
    """The detail row's paragraphs (none when the action has nothing more to say)."""
    s = styles()
    lines: list[Para] = []
    if action.description:
        lines.append(Para(text(action.description), s.cell_small))
    facts = action.contract_facts()
    if facts:
        lines.append(
            markup(
                " · ".join(f"<b>{text(label)}</b> : {text(value)}" for label, value in facts),
                s.cell_small,
            )
        )
    return lines


# -- annexes, signatures ----------------------------------------------------------------


def _photo_annex(
    report: VisitReport, renditions: list[images.Rendition | None], n: str
) -> Iterator[Flowable]:
    title = heading(f"Annexe {n}. Photographies", 0, "photos")
    for index, (photo, rendition) in enumerate(zip(report.photos, renditions, strict=True)):
        block = KeepTogether([*_photo(photo, rendition), Spacer(1, 6 * mm)])
        yield KeepWithFirst([title], block) if index == 0 else block


def _photo(photo: PhotoEntry, rendition: images.Rendition | None) -> list[Flowable]:
    s = styles()
    caption = f"<b>Photo {photo.number}</b> — {text(photo.caption)}"
    details = []
    if photo.linked_to:
        details.append(f"Élément : {text(photo.linked_to)}")
    if photo.taken_at is not None:
        details.append(f"Prise le {moment_text(photo.taken_at, ' à ')}")
    if photo.location:
        details.append(f"Position : {text(photo.location)}")
    for line in details:
        caption += f"<br/><font color='{GREY.hexval()}'>{line}</font>"
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
    yield heading(f"Annexe {n}. Notes de terrain non classées", 0, "notes-terrain")
    yield para(
        "Notes rapides prises pendant la visite et pas encore rattachées à un élément ; "
        "elles ne figurent que dans la version interne.",
        s.note,
    )
    for note in report.field_notes:
        yield para(note, s.bullet, bulletText="•")


def _signatures(report: VisitReport, n: str) -> Iterator[Flowable]:
    """Three slots — the author, the maire, the commandant de brigade — each with the
    signature drawn on screen (services/signatures.py), the signer's name and when they
    signed; a slot nobody signed keeps its « Signature : » box to sign on paper."""
    s = styles()
    signed = {entry.code: entry for entry in report.signatures}
    cells: list[object] = []
    width = FRAME_WIDTH / len(SignerRole)
    for role in SignerRole:
        entry = signed.get(role.value)
        if entry is None:
            who = role.label
            if role is SignerRole.AUTEUR and report.authors:
                who = f"{role.label} : {', '.join(report.authors)}"
            cells.append(
                [Para(text(who), s.cell_bold), Spacer(1, 3 * mm), Para("Signature :", s.note)]
            )
            continue
        cells.append(_signature_cell(entry, width - 12))
    block: list[Flowable] = [
        heading(f"{n}. Visa et signatures", 0, "signatures"),
        para("Fait à ______________________________, le ____ / ____ / ________", s.body),
        Spacer(1, 4 * mm),
        Table(
            [cells],
            colWidths=[width] * len(cells),
            rowHeights=[44 * mm],
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


def _signature_cell(entry: SignatureEntry, width: float) -> list[Flowable]:
    s = styles()
    cell: list[Flowable] = [
        Para(text(entry.role), s.cell_bold),
        Para(text(entry.name), s.cell),
    ]
    png = signature_png(entry.strokes)
    if png:
        cell.append(Image(io.BytesIO(png), width=width, height=width / SIGNATURE_ASPECT))
    cell.append(Para(f"Signé le {moment_text(entry.signed_at, ' à ')}", s.note))
    return cell
