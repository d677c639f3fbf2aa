"""The visit report as an editable Word document (.docx), drawn from the same VisitReport
as the PDF (model.py decides what each variant holds; nothing is read here).

Same chapters in the same order as render.py: the cover, the synthèse, the table of
contents, the diagnostic (its chart as an image, then the themes), the plan d'actions,
visa et signatures, then the annexes (checklist, diagnostic answers, entretiens,
photos, internal notes). Headings use Word's own « Heading 1/2/3 » styles, so Word's
table of contents, navigation pane and outline work; the table of contents itself is a
TOC field, which Word fills when the document's fields are updated (F9).

The diagnostic chart is the PDF's reportlab drawing (chart.py), rendered once to a PNG
through a one-page PDF and pdfium (already used for the preview): the same picture as
the PDF, without a raster backend for reportlab (raster.py). The walk's plan of the town
centre is the PDF's too, pins included (walk.pinned_plan_png).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any

from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.core.domain import SignerRole
from fieldvisit.core.signature import signature_png
from fieldvisit.report import images, walk
from fieldvisit.report.blocks import LEGEND, MARKS, WITHHELD_TAG
from fieldvisit.report.chart import LEVEL_NAMES
from fieldvisit.report.logo import Logo
from fieldvisit.report.model import (
    CONFIDENTIAL_TAG,
    PROGRAMME,
    DiagnosticReport,
    InterviewReport,
    ItemResult,
    Mark,
    ObservationEntry,
    Progress,
    VisitReport,
)
from fieldvisit.report.render import (
    ACTION_COLUMNS,
    ANNEX_LETTERS,
    SENTIMENT_PART,
    SUMMARY_CONCERNS,
    SUMMARY_THEME_CHARS,
    _cut,
    _plural,
    cover_rows,
    unanswered_note,
)
from fieldvisit.report.text import long_date, timestamp_text

CHART_WIDTH_PT = 480.0  # the chart's drawing width (A4 text width in the PDF ≈ 482 pt)
CHART_DPI = 200  # sharp when printed, a few tens of kB
PAGE_TEXT_WIDTH_CM = 16.0
HEADER_FILL = "DCE6F1"
CATEGORY_FILL = "EAF1FB"  # the rows naming a category of the walk (the PDF's BLUE_LIGHT)
SEVERE_COLOUR = "C62828"  # the number of a « Forte » observation, red as in the PDF
THUMB_CM = 2.2  # a photo's thumbnail in the walk's table (the PDF's THUMB_SIZE)


def render_word(
    report: VisitReport,
    output: str | os.PathLike[str] | IO[bytes],
    *,
    progress: Progress | None = None,
    image_cache_dir: Path | None = None,
    logo: Path | None = None,
) -> None:
    """Write the report as .docx to a path or binary file.

    `progress(done, total)` as photos are prepared; their report-size renditions come
    from `image_cache_dir` as for the PDF (images.py). `logo`: an image for the cover
    (BadInput if it is not one)."""
    from fieldvisit.report.logo import load_logo

    cover_logo = load_logo(logo) if logo is not None else None
    total = len(report.photos) + 1
    if progress is not None:
        progress(0, total)
    renditions = images.prepare_renditions(
        [(photo.source, photo.sha256, photo.shapes) for photo in report.photos],
        image_cache_dir,
        on_done=(lambda n: progress(n, total)) if progress is not None else None,
    )
    plan = walk.plan_rendition(report, image_cache_dir)
    document = _Writer(report, cover_logo).build(renditions, plan)
    document.save(output if not isinstance(output, os.PathLike) else os.fspath(output))
    if progress is not None:
        progress(total, total)


class _Writer:
    def __init__(self, report: VisitReport, logo: Logo | None = None) -> None:
        from docx import Document

        self.report = report
        self.logo = logo
        self.doc: Any = Document()
        props = self.doc.core_properties
        props.title = report.title
        props.author = report.author_line
        props.subject = report.subject
        props.keywords = f"Petites Villes de demain, sécurité du quotidien, {report.commune_name}"
        props.language = "fr-FR"
        self._page_setup()

    # -- document ----------------------------------------------------------------------

    def build(
        self,
        renditions: Sequence[images.Rendition | None],
        plan: images.Rendition | None = None,
    ) -> Any:
        report = self.report
        self._cover()
        self._page_break()
        self._synthese("1")
        self._page_break()
        self._toc()
        diagnostic = report.diagnostic
        chapters: list[Callable[[str], None]] = []
        if diagnostic is not None and diagnostic.parts:
            chapters.append(partial(self._diagnostic, diagnostic))
        if report.observations:
            chapters.append(partial(self._walk, renditions, plan))
        chapters.append(self._action_plan)
        chapters.append(self._signatures)
        for number, chapter in enumerate(chapters, start=2):
            chapter(str(number))
        annexes: list[Callable[[str], None]] = []
        if report.checklist:
            annexes.append(self._checklist)
        if diagnostic is not None and any(
            part.items or part.unanswered for part in diagnostic.parts
        ):
            annexes.append(partial(self._diagnostic_answers, diagnostic))
        if report.interviews:
            annexes.append(self._interviews)
        if report.photos:
            annexes.append(partial(self._photos, renditions))
        if report.field_notes:
            annexes.append(self._field_notes)
        for letter, annex in zip(ANNEX_LETTERS, annexes, strict=False):
            self._page_break()
            annex(letter)
        return self.doc

    def _page_setup(self) -> None:
        from docx.shared import Cm, Pt

        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.5))
        normal = self.doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(10.5)
        report = self.report
        header = section.header.paragraphs[0]
        header.text = f"Rapport de visite — {report.commune_label} · {long_date(report.visit_date)}"
        footer_bits = [PROGRAMME, report.reference_line]
        if report.marking:
            footer_bits.insert(0, report.marking.upper())
        if report.is_draft:
            footer_bits.insert(0, "PROJET")
        section.footer.paragraphs[0].text = " · ".join(footer_bits)

    # -- blocks ------------------------------------------------------------------------

    def heading(self, title: str, level: int) -> None:
        """Word's Heading 1/2/3 (level 0, 1, 2 as render.py's headings)."""
        self.doc.add_heading(title, level + 1)

    def para(self, text: str, *, italic: bool = False, bold: bool = False) -> Any:
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(text)
        run.italic, run.bold = italic, bold
        return paragraph

    def note(self, text: str) -> None:
        self.para(text, italic=True)

    def bullet(self, text: str, bold_lead: str = "") -> None:
        paragraph = self.doc.add_paragraph(style="List Bullet")
        if bold_lead:
            paragraph.add_run(bold_lead).bold = True
        paragraph.add_run(text)

    def table(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Any:
        """A Word table with a shaded header row repeated on each page."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(title).bold = True
            _shade(cell, HEADER_FILL)
        _repeat_header(table.rows[0])
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                cell.text = value
        self.doc.add_paragraph()
        return table

    def info_table(self, rows: Sequence[tuple[str, str]]) -> None:
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].text = ""
            cells[0].paragraphs[0].add_run(label).bold = True
            _shade(cells[0], HEADER_FILL)
            cells[1].text = value
        self.doc.add_paragraph()

    def _page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # -- cover -------------------------------------------------------------------------

    def _cover(self) -> None:
        from docx.shared import Cm

        report = self.report
        if self.logo is not None:
            self.doc.add_picture(io.BytesIO(self.logo.png), width=Cm(4))
        self.para("Offre de service « sécurité du quotidien » — ANCT · Gendarmerie nationale")
        self.doc.add_heading(report.title, 0)  # Word's « Title » style
        self.para(
            f"{report.departement_name} ({report.departement})"
            if report.departement_name
            else f"Département {report.departement}"
        )
        self.para(f"{report.visit_type} du {long_date(report.visit_date)}", bold=True)
        self.para(report.reference_line)
        if report.is_draft:
            self.para("PROJET", bold=True)
            self.para(
                f"La visite est « {report.status.lower()} » : constats et actions peuvent "
                "encore changer. Ne pas diffuser comme rapport définitif."
            )
        if report.marking:
            self.para(report.marking.upper(), bold=True)
            self.para(
                "Version interne : contient des informations confidentielles de la "
                f"gendarmerie, marquées « {CONFIDENTIAL_TAG} », et des réponses réservées "
                f"aux services, marquées « {WITHHELD_TAG} ». Ne pas diffuser hors des "
                "services destinataires ; une version partageable existe pour la commune."
            )
        else:
            self.para("Version partageable, destinée à la commune et aux partenaires.")
            if report.left_out_parts:
                self.para(
                    "Parties non reproduites dans cette version (questions réservées aux "
                    "services) :"
                )
                for part in report.left_out_parts:
                    self.bullet(part)
        self.info_table(cover_rows(report))
        issued = f"Rapport émis le {long_date(report.issued_on)}. " if report.issued_on else ""
        self.note(
            f"{issued}Document établi le {timestamp_text(report.generated_at)} avec fieldvisit."
        )

    # -- synthèse ----------------------------------------------------------------------

    def _synthese(self, n: str) -> None:
        report, figures = self.report, self.report.key_figures
        self.heading(f"{n}. Synthèse", 0)
        if report.summary:
            for piece in report.summary.split("\n\n"):
                self.para(piece.strip())
        else:
            self.note("Aucune synthèse n'a été rédigée pour cette visite.")
        serious = figures.serious_concerns
        self.table(
            [
                "éléments renseignés",
                "thèmes préoccupants ou très préoccupants",
                "actions ouvertes",
                "entretiens",
                "photos",
            ],
            [
                [
                    f"{figures.items_answered} / {figures.items_visible}",
                    str(serious),
                    f"{figures.actions_open} / {figures.actions_total}",
                    str(figures.interviews),
                    str(figures.photos),
                ]
            ],
        )
        self._findings(n)
        self.heading(f"{n}.2 Actions prioritaires", 1)
        actions = report.priority_actions
        if actions:
            self.table(
                ["Action", "Qui", "Quand"],
                [[a.text, a.porteur or "À désigner", a.when] for a in actions],
            )
        else:
            self.note("Aucune action ouverte dans le plan d'actions.")
        self.heading(f"{n}.3 Prochaine étape", 1)
        self.para(report.next_step)
        self.note("Le détail des réponses (parcours, diagnostic, entretiens) figure en annexe.")

    def _findings(self, n: str) -> None:
        report = self.report
        self.heading(f"{n}.1 Ce que la visite a constaté", 1)
        parts = report.diagnostic.parts if report.diagnostic is not None else ()
        wrote = False
        for part in parts:
            rated = part.rated
            if not part.themes and not part.concerns:
                continue
            self.heading(part.title, 2)
            wrote = True
            if part.themes and not rated:
                self.note("Aucun thème n'a encore été évalué.")
            elif rated:
                self.note(
                    f"{_plural(len(rated), 'thème évalué', 'thèmes évalués')} sur "
                    f"{len(part.themes)}."
                )
                for theme in rated:
                    if (theme.level or 0) >= 3:
                        observation = _cut(theme.observations, SUMMARY_THEME_CHARS)
                        level = LEVEL_NAMES[theme.level or 1].lower()
                        self.bullet(
                            f" — {level}" + (f" : {observation}" if observation else ""),
                            bold_lead=theme.label,
                        )
                calm = [theme.label for theme in rated if (theme.level or 0) < 3]
                if calm:
                    self.bullet("Faible ou modéré : " + ", ".join(calm) + ".")
            for item in part.concerns:
                self.bullet(_concern_text(item))
        if report.checklist:
            wrote = True
            self.heading(report.checklist_title or "Parcours", 2)
            concerns = [item for section in report.checklist for item in section.concerns]
            answered = sum(section.answered for section in report.checklist)
            if not concerns:
                self.note(f"Aucun point de vigilance parmi les {answered} constats du parcours.")
            else:
                words = _plural(len(concerns), "point de vigilance", "points de vigilance")
                self.note(f"{words} parmi les {answered} constats du parcours :")
                for item in concerns[:SUMMARY_CONCERNS]:
                    self.bullet(_concern_text(item))
                if len(concerns) > SUMMARY_CONCERNS:
                    others = _plural(len(concerns) - SUMMARY_CONCERNS, "autre", "autres")
                    self.note(f"… et {others} : voir l'annexe A.")
        if not wrote:
            self.note("Aucun constat n'a encore été saisi.")

    def _toc(self) -> None:
        """A TOC field over Heading 1–2: Word fills it on « Mettre à jour les champs »."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.para("Sommaire", bold=True)
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run()
        begin = OxmlElement("w:fldChar")
        begin.set(qn("w:fldCharType"), "begin")
        begin.set(qn("w:dirty"), "true")  # Word offers to update it on opening
        instruction = OxmlElement("w:instrText")
        instruction.set(qn("xml:space"), "preserve")
        instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
        separate = OxmlElement("w:fldChar")
        separate.set(qn("w:fldCharType"), "separate")
        placeholder = OxmlElement("w:t")
        placeholder.text = (
            "Sommaire : dans Word, clic droit puis « Mettre à jour les champs » (F9)."
        )
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        for element in (begin, instruction, separate, placeholder, end):
            run._r.append(element)
        self._page_break()

    # -- diagnostic --------------------------------------------------------------------

    def _diagnostic(self, diagnostic: DiagnosticReport, n: str) -> None:
        from docx.shared import Cm

        self.heading(f"{n}. {diagnostic.title}", 0)
        if diagnostic.description:
            self.note(diagnostic.description)
        themes = diagnostic.themes
        rated = [(part.title, part.rated) for part in diagnostic.parts]
        not_rated = [theme.label for theme in themes if theme.level is None]
        offset = 1
        if any(group for _, group in rated):
            offset = 2
            self.heading(f"{n}.1 Niveaux de préoccupation par thème", 1)
            self.doc.add_picture(io.BytesIO(chart_png(rated)), width=Cm(PAGE_TEXT_WIDTH_CM))
            scale = (
                "Échelle propre à l'application (aucune échelle officielle) : 1 faible, "
                "2 modéré, 3 préoccupant, 4 très préoccupant."
            )
            if not_rated:
                words = (
                    ("thèmes", "non évalués, absents")
                    if len(not_rated) > 1
                    else (
                        "thème",
                        "non évalué, absent",
                    )
                )
                scale += f" {len(not_rated)} {words[0]} sur {len(themes)} {words[1]} du graphique."
            self.note(scale)
        elif themes:
            self.note("Aucun thème n'a encore été évalué.")
        for index, part in enumerate((p for p in diagnostic.parts if p.themes), start=offset):
            self.heading(f"{n}.{index} {part.title}", 1)
            if part.description:
                self.note(part.description)
            missing = [theme.label for theme in part.themes if theme.level is None]
            if part.rated:
                self.table(
                    ["Thème", "Niveau", "Constats"],
                    [[t.label, t.level_label, t.observations or "—"] for t in part.rated],
                )
                if missing:
                    self.note("Non évalués : " + ", ".join(missing) + ".")
            else:
                self.note("Aucun thème évalué (" + ", ".join(missing) + ").")
            if part.section_id == SENTIMENT_PART and diagnostic.sentiments:
                self.heading("Sentiment d'insécurité : regards croisés", 2)
                self.table(
                    ["Selon", "Question", "Niveau"],
                    [[r.source, r.question, r.level_label] for r in diagnostic.sentiments],
                )
                self.note(diagnostic.sentiment_note)

    # -- action plan, signatures -------------------------------------------------------

    def _walk(
        self,
        renditions: Sequence[images.Rendition | None],
        plan: images.Rendition | None,
        n: str,
    ) -> None:
        """The walk's observations as in the PDF (walk.py): numbered, a row naming each
        category across the table, each with thumbnails of its photos; then the plan
        with the same numbers on its pins."""
        from docx.shared import Cm

        report = self.report
        count = len(report.observations)
        self.heading(f"{n}. Points d'attention du parcours", 0)
        self.note(
            f"{_plural(count, 'observation relevée', 'observations relevées')} pendant le "
            "parcours, par catégorie. Les numéros sont ceux du plan et des photos (annexe "
            "« Photographies »)."
        )
        table = self.table([title for title, _ in walk.COLUMNS], [])
        category = None
        for entry in report.observations:
            if entry.category != category:  # a row naming the group, across the table
                category = entry.category
                cells = table.add_row().cells
                merged = cells[0].merge(cells[-1])
                merged.text = ""
                merged.paragraphs[0].add_run(category).bold = True
                _shade(merged, CATEGORY_FILL)
            self._observation_row(table.add_row().cells, entry, renditions)
        _column_widths(table, [width for _, width in walk.COLUMNS])
        if plan is not None:
            self.doc.add_picture(
                io.BytesIO(walk.pinned_plan_png(report, plan)), width=Cm(PAGE_TEXT_WIDTH_CM)
            )
            self.doc.add_paragraph(style="Caption").add_run("Plan du centre-bourg").bold = True
        elif report.plan is not None and any(o.pin for o in report.observations):
            self.note(f"Plan : fichier absent ou illisible ({report.plan.filename}).")

    def _observation_row(
        self,
        cells: Sequence[Any],
        entry: ObservationEntry,
        renditions: Sequence[images.Rendition | None],
    ) -> None:
        from docx.shared import Cm, RGBColor

        number, where, what, photos = cells
        number.text = ""
        run = number.paragraphs[0].add_run(str(entry.number))
        run.bold = True
        if entry.severity == "Forte":
            run.font.color.rgb = RGBColor.from_string(SEVERE_COLOUR)
        where.text = entry.place or "Lieu non précisé"
        if entry.location:  # only in the variants that may show it (model.py)
            where.add_paragraph().add_run(entry.location).italic = True
        what.text = ""
        what.paragraphs[0].add_run(f"Gravité : {entry.severity}").italic = True
        if entry.comment:
            what.add_paragraph(entry.comment)
        if entry.action:
            what.add_paragraph(f"Action : {entry.action}")
        photos.text = ""
        if not entry.photos:
            photos.paragraphs[0].add_run("—")
            return
        shown = photos.paragraphs[0]
        for photo in entry.photos[: walk.THUMBS_SHOWN]:
            rendition = renditions[photo - 1] if 0 < photo <= len(renditions) else None
            if rendition is None:
                photos.add_paragraph(f"Photo {photo} illisible").runs[0].italic = True
                continue
            size = (
                {"width": Cm(THUMB_CM)}
                if rendition.width >= rendition.height
                else {"height": Cm(THUMB_CM)}
            )
            shown.add_run().add_picture(io.BytesIO(rendition.jpeg_bytes()), **size)
            shown.add_run(" ")
        numbers = ", ".join(str(photo) for photo in entry.photos)
        label = f"Photo{'s' if len(entry.photos) > 1 else ''} {numbers}"
        extra = len(entry.photos) - walk.THUMBS_SHOWN
        if extra > 0:
            label += f" (+ {extra} non montrée{'s' if extra > 1 else ''})"
        photos.add_paragraph().add_run(label).italic = True

    def _action_plan(self, n: str) -> None:
        report = self.report
        self.heading(f"{n}. Plan d'actions", 0)
        if not report.actions:
            self.note("Aucune recommandation n'a été retenue lors de cette visite.")
            return
        self.note(
            "Recommandations classées par priorité (1 : haute). « Reprise » : action ouverte "
            "reprise de la visite précédente ; « Nouvelle » : retenue lors de cette visite."
        )
        rows: list[list[str]] = []
        details: list[int] = []  # the rows that are an action's detail row
        for action in report.actions:
            detail = f"{action.theme} · {action.horizon}" if action.theme else action.horizon
            rows.append(
                [
                    f"P{action.priority}",
                    f"{action.text}\n{detail}" if detail else action.text,
                    # the organisation, then the person named (never a phone, an e-mail)
                    "\n".join(p for p in (action.porteur, action.porteur_person) if p),
                    "\n".join(action.dispositifs) or action.dispositif,
                    day_text(action.due_date) if action.due_date else "—",
                    action.status,
                    action.origin,
                ]
            )
            # As in the PDF, what the contract needs of the action goes in a row under
            # it, across every column but the priority.
            lines = ([action.description] if action.description else []) + action.contract_lines()
            if lines:
                details.append(len(rows))
                rows.append(["", "\n".join(lines), *[""] * (len(ACTION_COLUMNS) - 2)])
        table = self.table([title for title, _ in ACTION_COLUMNS], rows)
        for number in details:
            cells = table.rows[number + 1].cells  # + the header row
            merged = cells[1].merge(cells[-1])
            text = merged.text.strip()  # a merge joins the cells' paragraphs
            merged.text = text

    def _signatures(self, n: str) -> None:
        """As in the PDF: one column per signer (the author, the maire, the commandant de
        brigade) with the signature drawn on screen, the name and when they signed; a
        slot nobody signed keeps its « Signature : » space to sign on paper."""
        from docx.shared import Cm

        report = self.report
        self.heading(f"{n}. Visa et signatures", 0)
        self.para("Fait à ______________________________, le ____ / ____ / ________")
        signed = {entry.code: entry for entry in report.signatures}
        roles = list(SignerRole)
        table = self.doc.add_table(rows=1, cols=len(roles))
        table.style = "Table Grid"
        picture_width = Cm(PAGE_TEXT_WIDTH_CM / len(roles) - 0.6)  # inside the cell
        for cell, role in zip(table.rows[0].cells, roles, strict=True):
            entry = signed.get(role.value)
            first = cell.paragraphs[0]
            if entry is None:
                who = role.label
                if role is SignerRole.AUTEUR and report.authors:
                    who = f"{role.label} : {', '.join(report.authors)}"
                first.add_run(who).bold = True
                cell.add_paragraph("Signature :\n\n\n")
                continue
            first.add_run(entry.role).bold = True
            cell.add_paragraph(entry.name)
            png = signature_png(entry.strokes)
            if png:
                cell.add_paragraph().add_run().add_picture(io.BytesIO(png), width=picture_width)
            cell.add_paragraph(f"Signé le {moment_text(entry.signed_at, ' à ')}")

    # -- annexes -----------------------------------------------------------------------

    def _legend(self) -> None:
        extra = ""
        if not self.report.shareable:
            extra = (
                f" — « {CONFIDENTIAL_TAG} » information confidentielle, « {WITHHELD_TAG} » "
                "réponse réservée aux services : absentes de la version partageable"
            )
        self.note(f"Légende : {LEGEND}{extra}.")

    def _section(
        self, title: str, level: int, description: str, items: Sequence[ItemResult], missing: int
    ) -> None:
        self.heading(title, level)
        if description:
            self.note(description)
        counted = unanswered_note(missing, bool(items))
        if counted:
            self.note(counted)
        if not items:
            return
        rows = []
        for item in items:
            label = item.label
            if not self.report.shareable and item.withheld:
                tag = CONFIDENTIAL_TAG if item.confidential else WITHHELD_TAG
                label = f"{label} [{tag}]"
            answer = item.answer
            if item.comment:
                answer += f"\nCommentaire : {item.comment}"
            rows.append([MARKS[item.mark][0], label, answer])
        self.table(["", "Point examiné", "Constat"], rows)

    def _checklist(self, n: str) -> None:
        report = self.report
        self.heading(f"Annexe {n}. {report.checklist_title} : réponses", 0)
        self._legend()
        for index, section in enumerate(report.checklist, start=1):
            self._section(
                f"{n}.{index} {section.title}",
                1,
                section.description,
                section.items,
                section.unanswered,
            )

    def _diagnostic_answers(self, diagnostic: DiagnosticReport, n: str) -> None:
        self.heading(f"Annexe {n}. {diagnostic.title} : réponses", 0)
        self._legend()
        index = 0
        for part in diagnostic.parts:
            if not part.items and not part.unanswered:
                continue
            index += 1
            self._section(f"{n}.{index} {part.title}", 1, "", part.items, part.unanswered)

    def _interviews(self, n: str) -> None:
        self.heading(f"Annexe {n}. Entretiens", 0)
        self._legend()
        for index, interview in enumerate(self.report.interviews, start=1):
            self._interview(interview, f"{n}.{index}")

    def _interview(self, interview: InterviewReport, n: str) -> None:
        self.heading(f"{n} {interview.title}", 1)
        people = "\n".join(
            f"{p.name} — {p.description}" if p.description else p.name
            for p in interview.interviewees
        )
        self.info_table(
            [
                ("Date", long_date(interview.held_on) if interview.held_on else "—"),
                ("Guide d'entretien", interview.guide_title),
                ("Personnes rencontrées", people or "—"),
            ]
        )
        for section in interview.sections:
            self._section(section.title, 2, "", section.items, section.unanswered)
        if interview.notes:
            self.heading("Notes libres", 2)
            for piece in interview.notes.split("\n\n"):
                self.para(piece.strip())

    def _photos(self, renditions: Sequence[images.Rendition | None], n: str) -> None:
        from docx.shared import Cm

        self.heading(f"Annexe {n}. Photographies", 0)
        for photo, rendition in zip(self.report.photos, renditions, strict=True):
            if rendition is None:
                self.note(f"Photo {photo.number} : fichier absent ou illisible ({photo.filename}).")
            else:
                wide = rendition.width >= rendition.height
                size = {"width": Cm(PAGE_TEXT_WIDTH_CM)} if wide else {"height": Cm(14)}
                self.doc.add_picture(io.BytesIO(rendition.jpeg_bytes()), **size)
            caption = self.doc.add_paragraph(style="Caption")
            caption.add_run(f"Photo {photo.number}").bold = True
            caption.add_run(f" — {photo.caption}")
            if photo.linked_to:
                caption.add_run(f"\nÉlément : {photo.linked_to}")
            if photo.taken_at is not None:
                caption.add_run(f"\nPrise le {moment_text(photo.taken_at, ' à ')}")
            if photo.location:
                caption.add_run(f"\nPosition : {photo.location}")

    def _field_notes(self, n: str) -> None:
        self.heading(f"Annexe {n}. Notes de terrain non classées", 0)
        self.note(
            "Notes rapides prises pendant la visite et pas encore rattachées à un élément ; "
            "elles ne figurent que dans la version interne."
        )
        for note in self.report.field_notes:
            self.bullet(note)


def chart_png(groups: Sequence[tuple[str, Sequence[Any]]]) -> bytes:
    """The PDF's concern chart (chart.py) as a PNG, at CHART_DPI."""
    from reportlab.graphics import renderPDF

    from fieldvisit.report.chart import concern_chart
    from fieldvisit.report.fonts import register_fonts
    from fieldvisit.report.raster import pdf_page_png

    register_fonts()
    drawing = concern_chart(groups, CHART_WIDTH_PT)
    return pdf_page_png(renderPDF.drawToString(drawing), CHART_DPI / 72, optimize=True)


def _concern_text(item: ItemResult) -> str:
    return f"{MARKS[Mark.CONCERN][0]} {item.label} {_cut(item.answer, 80)}"


def _shade(cell: Any, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _column_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths (Word reads each cell's; rows merged across are left as
    they are)."""
    from docx.shared import Mm

    table.autofit = False
    for row in table.rows:
        cells = row.cells
        if len({id(cell._tc) for cell in cells}) != len(widths_mm):
            continue
        for cell, width in zip(cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)
