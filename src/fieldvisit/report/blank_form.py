"""A blank printable form (grille vierge) for visits where a laptop can't come out.

Every section and item of the form, numbered (1.1, 1.2…), with what to fill in:
boxes for oui / non / sans objet and for choices (○ one answer, ☐ several), lines to
write on for text, a 1…N scale for ratings, required (*) and confidential marks, the
help text and, for conditional items, when to fill them in. Diagnostic forms add each
theme with boxes for the level of concern (1–4, non évalué) and lines for observations.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from fieldvisit.forms import FormDefinition, FormItem, FormKind, ItemType, Theme
from fieldvisit.forms.enums import YES_NO_NA_LABELS
from fieldvisit.report.blocks import boxed, confidential_tag, withheld_tag
from fieldvisit.report.document import PageDecor, ReportDocument, heading
from fieldvisit.report.model import PROGRAMME, Progress
from fieldvisit.report.styles import (
    FRAME_WIDTH,
    GREY,
    GREY_LINE,
    RED,
    markup,
    para,
    styles,
    table_style,
    text,
)

BOX, CIRCLE = "☐", "○"
LINE_GAP = 7.5 * mm
LINES_FOR = {ItemType.text: 1, ItemType.long_text: 4}
KIND_NAMES = {
    FormKind.checklist: "Checklist de visite",
    FormKind.interview: "Guide d'entretien",
    FormKind.diagnostic: "Grille de diagnostic",
}


class WritingLines(Flowable):
    """Light lines to write on, across the available width."""

    def __init__(self, count: int, width: float | None = None, label: str = "") -> None:
        super().__init__()
        self.count = count
        self.line_width = width
        self.label = label

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = self.line_width or availWidth
        self.height = self.count * LINE_GAP
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(GREY_LINE)
        canvas.setLineWidth(0.5)
        canvas.setDash(1, 2)
        offset = 0.0
        if self.label:
            canvas.setFont(styles().note.fontName, 8)
            canvas.setFillColor(GREY)
            canvas.drawString(0, self.height - LINE_GAP + 2, self.label)
            offset = canvas.stringWidth(self.label, styles().note.fontName, 8) + 4
        for n in range(self.count):
            y = self.height - (n + 1) * LINE_GAP + 1
            canvas.line(offset if n == 0 else 0, y, self.width, y)
        canvas.restoreState()


def render_blank_form(
    form: FormDefinition,
    output: str | os.PathLike[str] | IO[bytes],
    *,
    progress: Progress | None = None,
) -> int:
    """Write the blank form as PDF; return its number of pages."""
    has_confidential = bool(form.withheld_item_ids())
    doc = ReportDocument(
        os.fspath(output) if isinstance(output, str | os.PathLike) else output,
        title=f"{form.title} — grille vierge",
        author="fieldvisit",
        subject=f"{KIND_NAMES[form.kind]} à remplir à la main (version {form.version})",
        keywords=["Petites Villes de demain", "sécurité du quotidien", "grille vierge"],
        decor=PageDecor(
            header_left=f"{form.title} — grille vierge",
            header_right=f"{form.id} · version {form.version}",
            footer_left=PROGRAMME,
            marking="Diffusion restreinte une fois remplie" if has_confidential else "",
        ),
        with_cover=False,
        progress=progress,
        progress_total=1,
    )
    doc.build_story(list(_story(form)))
    if progress is not None:
        progress(1, 1)
    return int(doc.page)


def _story(form: FormDefinition) -> Iterator[Flowable]:
    s = styles()
    numbers = _numbers(form)
    yield heading(form.title, 0, "formulaire", in_toc=False)
    yield para(f"{KIND_NAMES[form.kind]} — grille vierge, version {form.version}", s.subtitle)
    yield Spacer(1, 3 * mm)
    if form.description:
        yield para(form.description.strip(), s.note)
        yield Spacer(1, 3 * mm)
    yield _identity_table(form)
    yield Spacer(1, 3 * mm)
    legend = (
        f"Légende : * réponse attendue — {CIRCLE} une seule réponse — {BOX} une ou "
        "plusieurs réponses"
    )
    if form.confidential_item_ids():
        legend += (
            f" — {confidential_tag()} information confidentielle : ne figure pas dans le "
            "rapport partageable avec la commune"
        )
    if form.withheld_item_ids() - form.confidential_item_ids():
        legend += (
            f" — {withheld_tag()} réponse réservée aux services : ne figure pas non plus "
            "dans le rapport partageable"
        )
    yield boxed([markup(legend + ".", s.small)])
    for index, section in enumerate(form.sections, start=1):
        yield heading(f"{index}. {section.title}", 1, f"section-{section.id}", in_toc=False)
        if section.description:
            yield para(section.description, s.note)
            yield Spacer(1, 2 * mm)
        if section.repeat:
            yield para(
                "Groupe répétable : remplissez ces questions pour chaque occurrence "
                "(recopiez-les autant de fois que nécessaire).",
                s.note,
            )
            yield Spacer(1, 2 * mm)
        for item in section.items:
            yield KeepTogether(_item(form, item, numbers))
        if section.themes:
            yield para("Thèmes : niveau de préoccupation et constats", s.h3)
            for theme in section.themes:
                yield KeepTogether(_theme(theme))


def _identity_table(form: FormDefinition) -> Table:
    s = styles()
    fields = ["Commune", "Date"]
    fields += (
        ["Personnes rencontrées", "Rédacteur"]
        if form.kind == FormKind.interview
        else ["Rédacteur", "Participants"]
    )
    data = [[para(name, s.cover_label), WritingLines(1)] for name in fields]
    return Table(
        data,
        colWidths=[42 * mm, FRAME_WIDTH - 42 * mm],
        style=table_style([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]),
        hAlign="LEFT",
    )


def _numbers(form: FormDefinition) -> dict[str, str]:
    numbers = {}
    for s_index, section in enumerate(form.sections, start=1):
        for i_index, item in enumerate(section.items, start=1):
            numbers[item.id] = f"{s_index}.{i_index}"
    return numbers


def _item(form: FormDefinition, item: FormItem, numbers: dict[str, str]) -> list[Flowable]:
    s = styles()
    title = f"<b>{numbers[item.id]}</b>  {text(item.label)}"
    if item.required:
        title += f' <font color="{RED.hexval()}">*</font>'
    if item.confidential:
        title += confidential_tag()
    elif item.withheld:
        title += withheld_tag()
    flowables: list[Flowable] = [Spacer(1, 2.5 * mm), markup(title, s.body)]
    if item.help:
        flowables.append(para(item.help, s.note))
    condition = _condition(form, item, numbers)
    if condition:
        flowables.append(para(f"→ À remplir si {condition}.", s.note))
    flowables.append(Spacer(1, 1 * mm))
    flowables.extend(_answer_space(item))
    return flowables


def _answer_space(item: FormItem) -> list[Flowable]:
    s = styles()
    kind = item.type
    if kind == ItemType.yes_no_na:
        return [_options([YES_NO_NA_LABELS[v] for v in ("oui", "non", "na")], CIRCLE, 3)]
    if kind in (ItemType.single_choice, ItemType.multi_choice):
        mark = CIRCLE if kind == ItemType.single_choice else BOX
        columns = 2 if max(len(c.label) for c in item.choices) < 42 else 1
        return [_options([c.label for c in item.choices], mark, columns)]
    if kind == ItemType.rating:
        labels = [str(n) for n in range(1, item.scale + 1)]
        return [para(f"Note de 1 (faible) à {item.scale} :", s.body), _options(labels, CIRCLE, 6)]
    if kind == ItemType.number:
        unit = f" {item.unit}" if item.unit else ""
        return [para(f"Nombre : ____________________{unit}", s.body)]
    if kind == ItemType.date:
        return [para("Date : ____ / ____ / ________", s.body)]
    if kind == ItemType.photo:
        return [para("Photo(s) prise(s), numéros : ______________________________", s.body)]
    return [WritingLines(LINES_FOR.get(kind, 2))]


def _options(
    labels: list[str], mark: str, columns: int, style: ParagraphStyle | None = None
) -> Table:
    cells: list[object] = [para(f"{mark}  {label}", style or styles().body) for label in labels]
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    rows[-1] += [""] * (columns - len(rows[-1]))
    return Table(
        rows,
        colWidths=[FRAME_WIDTH / columns] * columns,
        style=table_style(
            [
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
        hAlign="LEFT",
    )


def _theme(theme: Theme) -> list[Flowable]:
    s = styles()
    flowables: list[Flowable] = [Spacer(1, 2.5 * mm), para(theme.label, s.h3)]
    if theme.help:
        flowables.append(para(theme.help, s.note))
    levels = ["1 faible", "2 modéré", "3 préoccupant", "4 très préoccupant", "non évalué"]
    flowables.append(_options(levels, CIRCLE, len(levels), s.small))
    flowables.append(WritingLines(3, label="Constats :"))
    return flowables


_EQUALS = re.compile(r"^(\w+) == '([^']*)'$")
_IN_LIST = re.compile(r"^(\w+) in \[(.*)\]$")
_CONTAINS = re.compile(r"^'([^']*)' in (\w+)$")
_COMPARE = re.compile(r"^(\w+) (>=|<=|>|<) ([\d.]+)$")
_ANSWERED = re.compile(r"^answered\((\w+)\)$")
_SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def _condition(form: FormDefinition, item: FormItem, numbers: dict[str, str]) -> str:
    """`visible_if` in words, with item numbers: « 2.2 = Oui », « 3.1 : Partielle ou Totale »."""
    condition = (item.visible_if or "").strip()
    if not condition:
        return ""

    def choice(ref: str, value: str) -> str:
        try:
            target = form.item(ref)
        except KeyError:
            return value
        if target.type == ItemType.yes_no_na:
            return YES_NO_NA_LABELS.get(value, value)
        try:
            return target.choice_label(value)
        except KeyError:
            return value

    if match := _EQUALS.match(condition):
        ref, value = match.groups()
        return f"{numbers.get(ref, ref)} = « {choice(ref, value)} »"
    if match := _IN_LIST.match(condition):
        ref, values = match.groups()
        labels = [choice(ref, v.strip(" '\"")) for v in values.split(",")]
        return f"{numbers.get(ref, ref)} = « " + " » ou « ".join(labels) + " »"
    if match := _CONTAINS.match(condition):
        value, ref = match.groups()
        return f"« {choice(ref, value)} » est coché en {numbers.get(ref, ref)}"
    if match := _COMPARE.match(condition):
        ref, op, number = match.groups()
        return f"{numbers.get(ref, ref)} {_SYMBOLS[op]} {number}"
    if match := _ANSWERED.match(condition):
        return f"{numbers.get(match.group(1), match.group(1))} est renseigné"
    expression = form.compiled(item)
    refs = sorted(expression.references) if expression is not None else []
    return "selon les réponses à " + ", ".join(numbers.get(r, r) for r in refs)
