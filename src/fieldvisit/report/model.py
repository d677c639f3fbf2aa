"""The visit report as plain data: everything the PDF shows, gathered from services.

`build_report(svc, visit_id, shareable)` reads the visit through the services and
returns a `VisitReport` of frozen dataclasses (no ORM objects, no reportlab), so what a
report contains is tested with plain asserts and `render.py` only draws it.

What each variant holds
-----------------------

Internal (`shareable=False`): everything, confidential items marked (« Confidentiel »),
items not for sharing marked (« Interne »), and the "Diffusion restreinte" marking on
the cover, header and footer.

Shareable (`shareable=True`), for the commune and partners:

- Items *withheld* — marked `confidential` or `shareable = false` in their form (label,
  answer and comment) — are left out, in the checklist, the diagnostic and the
  interviews; so are the photos linked to such an item (their captions describe it).
  Key figures count only what is shown, so they do not reveal how many withheld items
  exist. The cover names the parts left out (`left_out_parts`) from the forms alone —
  every section that has a withheld item, whatever was answered — so the list tells
  nothing of the answers.
- Interview free notes (`Interview.notes`) are left out when the interview's guide has
  any withheld item: notes are free text typed during the interview, where a
  gendarme's confidential remark cannot be told apart from the rest (both shipped
  guides have such items, so their notes are internal only). Notes of a guide
  without withheld items are kept.
- Quick notes not yet moved onto an item or interview are never in the shareable
  report (they are unreviewed jottings); the internal report lists them in a
  "Notes de terrain non classées" section. Moved notes already are in comments or
  interview notes and are not repeated.
- Contacts' phone numbers and e-mail addresses are in neither variant.

Only items visible (per `visible_if`, evaluated on the visit's answers) and answered
are listed; each section counts its visible items left unanswered (`unanswered`).

Marks say concern or not: a yes/no item whose form declares `concern_if` gets
`Mark.CONCERN` for that answer and `Mark.NO_CONCERN` for the other; any other answer
is neutral (`Mark.ANSWERED`, or `Mark.NOT_APPLICABLE` for « sans objet »).

A visit not yet terminée is a draft (`is_draft`: « PROJET » on every page). Every
report has a `reference` (stable for the visit) and a `version` (the issued reports
so far, plus one unless this is the reprint of an issued visit), and its distribution
list (`recipients`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from fieldvisit.core.action_plan import dispositif_list, euros_text
from fieldvisit.core.annotation import Shape, parse_annotation
from fieldvisit.core.dates import day_text, moment_text
from fieldvisit.core.domain import (
    CONCERN_LABELS,
    ActionStatus,
    ContactRole,
    Dispositif,
    FundingSource,
    Horizon,
    LabelledEnum,
    ObservationCategory,
    ObservationSeverity,
    Porteur,
    VisitStatus,
    VisitType,
    walk_rank,
)
from fieldvisit.core.geo import parse_location
from fieldvisit.core.pins import PLAN_ROLE, parse_pin
from fieldvisit.forms import FormDefinition, FormItem, FormKind, ItemType, Section, is_answered
from fieldvisit.forms.bindings import VISIT_PARTICIPANTS
from fieldvisit.forms.progress import effective_answers, form_progress
from fieldvisit.forms.sentiment import SENTIMENT_SCALE, is_sentiment_item
from fieldvisit.opendata.diagnostic import TrendSeries
from fieldvisit.report.text import answer_text, slug
from fieldvisit.services import (
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    evolution,
    interviews,
    notes,
    observations,
    signatures,
    visits,
)
from fieldvisit.services.context import Services
from fieldvisit.services.photo_privacy import DEFAULT_POLICY, LocationPolicy
from fieldvisit.services.progress import visit_bound
from fieldvisit.services.visit_forms import interview_guide, visit_forms
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Contact,
    Interview,
    InterviewAnswer,
    Observation,
    Recommendation,
    ThemeRating,
)

Progress = Callable[[int, int], None]  # (steps done, steps in all), for progress bars
MARKING_INTERNAL = "Diffusion restreinte"
CONFIDENTIAL_TAG = "Confidentiel"
ANSWERED_WITHOUT_TEXT = "Renseigné"
PROGRAMME = "Petites Villes de demain · Sécurité du quotidien"


class Mark(StrEnum):
    """How an item's status is shown at a glance."""

    NO_CONCERN = "no_concern"
    CONCERN = "concern"
    NOT_APPLICABLE = "na"
    ANSWERED = "answered"
    MISSING = "missing"


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    organisation: str = ""

    @property
    def description(self) -> str:
        return ", ".join(part for part in (self.role, self.organisation) if part)


@dataclass(frozen=True)
class ItemResult:
    item_id: str
    label: str
    answer: str  # as read; « Non renseigné » when unanswered
    mark: Mark
    comment: str = ""
    long: bool = False  # a long_text answer: drawn across the full width
    confidential: bool = False
    required: bool = False
    withheld: bool = False  # left out of the shareable variant (confidential or not shared)

    @property
    def answered(self) -> bool:
        return self.mark != Mark.MISSING


@dataclass(frozen=True)
class SectionResult:
    section_id: str
    title: str
    description: str
    items: tuple[ItemResult, ...]  # answered ones only
    unanswered: int = 0  # visible items without an answer, left out of `items`

    @property
    def answered(self) -> int:
        return sum(1 for item in self.items if item.answered)

    @property
    def concerns(self) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if item.mark == Mark.CONCERN)


@dataclass(frozen=True)
class ThemeResult:
    theme_id: str
    label: str
    level: int | None  # 1–4, None = non évalué
    level_label: str
    observations: str = ""


@dataclass(frozen=True)
class DiagnosticPart:
    """One of the three parts of the diagnostic (constat, sentiment, adéquation)."""

    section_id: str
    title: str
    description: str
    items: tuple[ItemResult, ...]  # answered ones only
    themes: tuple[ThemeResult, ...]
    unanswered: int = 0

    @property
    def rated(self) -> tuple[ThemeResult, ...]:
        """Rated themes, the most worrying first (form order among equals)."""
        rated = [theme for theme in self.themes if theme.level is not None]
        return tuple(sorted(rated, key=lambda theme: -(theme.level or 0)))

    @property
    def concerns(self) -> tuple[ItemResult, ...]:
        return tuple(item for item in self.items if item.mark == Mark.CONCERN)


@dataclass(frozen=True)
class SentimentReading:
    """One rating of the feeling of insecurity: the diagnostic's, or an interview's
    (forms/sentiment.py). Readings on the common scale are compared; one on an older
    form's scale (the élu guide's 1–5 before v3) is shown, not compared."""

    source: str  # « Diagnostic » or the interview's title
    question: str  # the item's label
    level: int
    scale: int

    @property
    def comparable(self) -> bool:
        return self.scale == SENTIMENT_SCALE

    @property
    def level_label(self) -> str:
        if self.comparable:
            return CONCERN_LABELS.get(self.level, f"{self.level} sur {self.scale}")
        return f"{self.level} sur {self.scale} (ancienne échelle, non comparée)"


@dataclass(frozen=True)
class DiagnosticReport:
    title: str
    description: str
    parts: tuple[DiagnosticPart, ...]
    # Recorded crime of the commune (SSMSI base, when imported): the small trend charts
    # of part 1, each with its source line.
    crime_trends: tuple[TrendSeries, ...] = ()
    # The feeling of insecurity as rated in the diagnostic and in the interviews, side
    # by side in part 2 (the diagnostic's first, then the interviews in their order).
    sentiments: tuple[SentimentReading, ...] = ()

    @property
    def sentiment_gap(self) -> int | None:
        """Levels between the lowest and the highest comparable reading; None with
        fewer than two."""
        levels = [r.level for r in self.sentiments if r.comparable]
        return max(levels) - min(levels) if len(levels) >= 2 else None

    @property
    def sentiment_note(self) -> str:
        """The line under the readings: their scale, and whether they agree."""
        note = (
            "Même échelle que les thèmes : 1 faible, 2 modéré, 3 préoccupant, 4 très préoccupant."
        )
        gap = self.sentiment_gap
        if gap == 0:
            note += " Les regards concordent."
        elif gap is not None:
            note += f" Écart de {gap} niveau{'x' if gap > 1 else ''} entre les regards."
        return note

    @property
    def themes(self) -> tuple[ThemeResult, ...]:
        return tuple(theme for part in self.parts for theme in part.themes)


@dataclass(frozen=True)
class InterviewReport:
    title: str
    guide_title: str
    held_on: date | None
    interviewees: tuple[Person, ...]
    sections: tuple[SectionResult, ...]
    notes: str
    notes_withheld: bool = False  # shareable variant: free notes left out on purpose
    sentiments: tuple[SentimentReading, ...] = ()  # its « sentiment » ratings the variant shows


@dataclass(frozen=True)
class ActionRow:
    priority: int
    text: str
    theme: str
    horizon: str
    porteur: str
    dispositifs: tuple[str, ...]  # labels
    due_date: date | None
    status: str
    is_open: bool
    carried_over: bool
    # What a contrat de sécurité needs of it (revision 0015).
    porteur_person: str = ""  # the named person: « Mme Lefèvre (Adjoint(e) au maire) »
    description: str = ""
    estimated_cost: int | None = None
    funding: tuple[tuple[str, int], ...] = ()  # (source label, euros), as typed
    success_indicator: str = ""
    review_date: date | None = None

    @property
    def dispositif(self) -> str:
        """The dispositifs in one text (« Vidéoprotection ; FIPD »), « Aucun » if none."""
        return " ; ".join(self.dispositifs) or Dispositif.AUCUN.label

    @property
    def who(self) -> str:
        """The porteur and the person named: « Commune — Mme Lefèvre (Adjoint(e)…) »."""
        return " — ".join(part for part in (self.porteur, self.porteur_person) if part)

    @property
    def funding_total(self) -> int:
        return sum(amount for _, amount in self.funding)

    @property
    def left_to_fund(self) -> int | None:
        """What the funding lines leave of the estimated cost (None: nothing left, or
        no cost to compare with)."""
        if self.estimated_cost is None or not self.funding:
            return None
        rest = self.estimated_cost - self.funding_total
        return rest if rest > 0 else None

    def contract_facts(self) -> list[tuple[str, str]]:
        """What the contract says of the action besides the table's columns, as
        (label, value): cost, funding (total, then each line), what is left to fund,
        success indicator, review date. The PDF and the Word report print them under the
        action."""
        facts: list[tuple[str, str]] = []
        if self.estimated_cost is not None:
            facts.append(("Coût estimé", euros_text(self.estimated_cost)))
        if self.funding:
            lines = " ; ".join(f"{label} {euros_text(amount)}" for label, amount in self.funding)
            facts.append(("Financement", f"{euros_text(self.funding_total)} ({lines})"))
            rest = self.left_to_fund
            if rest is not None:
                facts.append(("Reste à financer", euros_text(rest)))
        if self.success_indicator:
            facts.append(("Indicateur de réussite", self.success_indicator))
        if self.review_date is not None:
            facts.append(("Date de revue", day_text(self.review_date)))
        return facts

    def contract_lines(self) -> list[str]:
        """`contract_facts` as lines of text: « Coût estimé : 12 500 € »."""
        return [f"{label} : {value}" for label, value in self.contract_facts()]

    @property
    def origin(self) -> str:
        return "Reprise" if self.carried_over else "Nouvelle"

    @property
    def when(self) -> str:
        """The due date, else the horizon: « when » in the summary's priority actions."""
        return day_text(self.due_date) if self.due_date else (self.horizon or "—")


@dataclass(frozen=True)
class ThemeChange:
    """A theme's level at the previous visit and at this one (None = non évalué)."""

    label: str
    part: str  # the part of the diagnostic it belongs to
    level_then: int | None
    level_now: int | None

    @property
    def then_label(self) -> str:
        return CONCERN_LABELS[self.level_then]

    @property
    def now_label(self) -> str:
        return CONCERN_LABELS[self.level_now]

    @property
    def trend(self) -> str:
        """« En hausse » (more worrying), « En baisse », « Stable », or « — »."""
        if self.level_then is None or self.level_now is None:
            return "—"
        if self.level_now == self.level_then:
            return "Stable"
        return "En hausse" if self.level_now > self.level_then else "En baisse"


@dataclass(frozen=True)
class ActionOutcome:
    """An action of the previous visit's plan, as it stands now."""

    priority: int
    text: str
    due_date: date | None
    state: str  # « Réalisée », « En cours », « En retard », « À engager », « Abandonnée »
    late: bool


@dataclass(frozen=True)
class EvolutionReport:
    """« Évolution depuis la visite du … »: a follow-up's themes then and now and what
    became of the previous plan (services/evolution.py decides which visit that is)."""

    previous_visit_date: date
    themes: tuple[ThemeChange, ...]  # rated at either visit, in form order
    actions: tuple[ActionOutcome, ...]  # by priority, then as created

    @property
    def title(self) -> str:
        return f"Évolution depuis la visite du {day_text(self.previous_visit_date)}"


@dataclass(frozen=True)
class PhotoEntry:
    number: int
    caption: str
    filename: str
    sha256: str
    source: Path
    linked_to: str = ""  # "Section › Item" of the form item the photo documents
    taken_at: datetime | None = None
    location: str = ""  # « 45,03431° N, 3,08382° E » when the variant may show it
    shapes: tuple[Shape, ...] = ()  # the annotation drawn over the rendition
    attachment_id: str = ""


@dataclass(frozen=True)
class ObservationEntry:
    """One observation of the walk, numbered as in the table and on the plan."""

    number: int
    category: str  # its label: « Éclairage »
    place: str
    severity: str  # its label: « Forte »
    comment: str
    action: str = ""  # the text of the action of the plan it led to, if still there
    location: str = ""  # from a linked photo's GPS, when the variant may show it
    photos: tuple[int, ...] = ()  # the numbers of its photos in `VisitReport.photos`
    pin: tuple[float, float] | None = None  # (x, y) fractions of the plan


@dataclass(frozen=True)
class SignatureEntry:
    """A signature drawn on screen (services/signatures.py), for the signature block."""

    code: str  # core/domain.py SignerRole
    role: str  # its label: « Maire »
    name: str
    signed_at: datetime
    strokes: tuple[tuple[tuple[float, float], ...], ...]  # core/signature.py


@dataclass(frozen=True)
class PlanEntry:
    """The plan of the town centre the observations are pinned on."""

    filename: str
    sha256: str
    source: Path


@dataclass(frozen=True)
class KeyFigures:
    items_answered: int
    items_visible: int
    themes_rated: int
    themes_total: int
    concerns_by_level: tuple[tuple[str, int], ...]  # (label, count), levels 4 → 1, non évalué
    actions_open: int
    actions_total: int
    interviews: int
    photos: int

    @property
    def serious_concerns(self) -> int:
        """Themes rated 3 (préoccupant) or 4 (très préoccupant)."""
        return sum(count for label, count in self.concerns_by_level[:2])


@dataclass(frozen=True)
class VisitReport:
    shareable: bool
    visit_id: str
    commune_code: str
    commune_name: str
    departement: str
    departement_name: str
    epci: str
    population: int | None
    visit_date: date
    visit_type: str
    previous_visit_date: date | None
    status: str
    authors: tuple[str, ...]
    participants: tuple[Person, ...]
    summary: str
    key_figures: KeyFigures
    checklist_title: str
    checklist: tuple[SectionResult, ...]
    interviews: tuple[InterviewReport, ...]
    diagnostic: DiagnosticReport | None
    actions: tuple[ActionRow, ...]
    photos: tuple[PhotoEntry, ...]
    field_notes: tuple[str, ...]
    generated_at: datetime
    issued_on: date | None = None
    confidential_left_out: int = 0  # items withheld from the shareable variant
    reference: str = ""
    version: int = 1
    is_draft: bool = False  # not terminée yet: « PROJET » on every page
    recipients: tuple[str, ...] = ()  # « Destinataires »
    left_out_parts: tuple[str, ...] = ()  # shareable variant: what its cover says is left out
    next_step: str = ""
    evolution: EvolutionReport | None = None  # None on a first visit
    # The walk's observations, grouped by category (numbered in that order), and the
    # plan they are pinned on (None: no plan imported).
    observations: tuple[ObservationEntry, ...] = ()
    plan: PlanEntry | None = None
    # The signatures drawn on screen, in SignerRole order (the roles signed only).
    signatures: tuple[SignatureEntry, ...] = ()

    @property
    def marking(self) -> str:
        return "" if self.shareable else MARKING_INTERNAL

    @property
    def reference_line(self) -> str:
        return f"Réf. {self.reference} · version {self.version}"

    @property
    def priority_actions(self) -> tuple[ActionRow, ...]:
        """Open actions of priority 1, else the open ones of the best priority there is."""
        open_actions = [a for a in self.actions if a.is_open]
        if not open_actions:
            return ()
        best = min(a.priority for a in open_actions)
        return tuple(a for a in open_actions if a.priority == best)

    @property
    def variant_label(self) -> str:
        return "Version partageable" if self.shareable else "Version interne"

    @property
    def title(self) -> str:
        return f"Rapport de visite — {self.commune_name}"

    @property
    def commune_label(self) -> str:
        return f"{self.commune_name} ({self.departement})"

    @property
    def subject(self) -> str:
        return (
            f"Visite « sécurité du quotidien » du {day_text(self.visit_date)}, "
            f"{self.commune_label} — {self.variant_label.lower()}"
        )

    @property
    def author_line(self) -> str:
        return ", ".join(self.authors) or "fieldvisit"


def report_filename(report: VisitReport) -> str:
    """`rapport-<code>-<commune-slug>-<date>.pdf`; "-v2"… from the second version on
    (a reopened visit issued again); "-partageable" for that variant."""
    version = f"-v{report.version}" if report.version > 1 else ""
    variant = "-partageable" if report.shareable else ""
    return (
        f"rapport-{report.commune_code}-{slug(report.commune_name)}-"
        f"{report.visit_date.isoformat()}{version}{variant}.pdf"
    )


def _signature_entries(svc: Services, visit_id: str) -> tuple[SignatureEntry, ...]:
    return tuple(
        SignatureEntry(
            code=role.value,
            role=role.label,
            name=row.name,
            signed_at=row.signed_at,
            strokes=tuple(tuple((x, y) for x, y in stroke) for stroke in row.strokes),
        )
        for role, row in signatures.visit_signatures(svc, visit_id).items()
    )


def build_report(
    svc: Services,
    visit_id: str,
    shareable: bool = False,
    *,
    issued_on: date | None = None,
    location: LocationPolicy = DEFAULT_POLICY,
) -> VisitReport:
    """Gather one visit into a VisitReport (see the module docstring for the variants).
    `location`: whether the photos' GPS positions are printed (Préférences)."""
    visit = visits.get_visit(svc, visit_id)
    keep = _Filter(shareable)
    visit_attachments = attachments.list_attachments(svc, visit_id)
    photos_by_item = _photos_by_item(visit_attachments)
    pinned = visit_forms(svc, visit, strict=True)
    checklist_form, diagnostic_form = pinned.checklist, pinned.diagnostic

    checklist: tuple[SectionResult, ...] = ()
    status = VisitStatus(visit.status)
    if checklist_form is not None:
        rows = answers.visit_answers(svc, visit_id, checklist_form.id)
        checklist = _form_sections(checklist_form, rows, photos_by_item, keep)
    diagnostic_report = None
    if diagnostic_form is not None:
        rows = answers.visit_answers(svc, visit_id, diagnostic_form.id)
        ratings = diagnostic.theme_ratings(svc, visit_id)
        diagnostic_report = _diagnostic(diagnostic_form, rows, ratings, photos_by_item, keep)
        trends = _crime_trends(svc, visit.commune_code)
        if trends:
            diagnostic_report = replace(diagnostic_report, crime_trends=trends)
    visit_interviews = interviews.list_interviews(svc, visit_id)
    interview_reports = tuple(_interview(svc, interview, keep) for interview in visit_interviews)
    if diagnostic_report is not None:
        heard = tuple(r for interview in interview_reports for r in interview.sentiments)
        if diagnostic_report.sentiments or heard:
            diagnostic_report = replace(
                diagnostic_report, sentiments=diagnostic_report.sentiments + heard
            )
    guides = {(i.form_id, i.form_version): interview_guide(svc, i) for i in visit_interviews}
    theme_labels = {t.id: t.label for t in diagnostic_form.iter_themes()} if diagnostic_form else {}
    recs = actions.list_recommendations(svc, visit_id)
    people = _porteurs(svc, recs)
    action_rows = tuple(_action(rec, theme_labels, people) for rec in recs)
    photos = _photo_entries(
        svc,
        visit_attachments,
        [checklist_form, diagnostic_form],
        keep,
        location.in_report(shareable),
    )
    walk = _observations(
        observations.list_observations(svc, visit_id),
        visit_attachments,
        photos,
        action_rows_by_id={rec.id: rec.text for rec in actions.list_recommendations(svc, visit_id)},
        with_location=location.in_report(shareable),
    )
    plan = _plan(svc, visit_attachments)
    field_notes: tuple[str, ...] = ()
    if not shareable:
        field_notes = tuple(
            f"{moment_text(note.noted_at)} — {note.text}"
            for note in notes.list_quick_notes(svc, visit_id)
        )
    commune = svc.communes.get(visit.commune_code)
    previous_date = None
    if visit.previous_visit_id:
        previous_date = _visit_date_or_none(svc, visit.previous_visit_id)
    figures = _key_figures(checklist, diagnostic_report, action_rows, interview_reports, photos)
    # Items bound to the visit's fields (forms/bindings.py) are printed with the visit,
    # not in the tables, and count in the figures as in progress (forms/progress.py).
    bound = _bound_counts(
        [checklist_form, diagnostic_form],
        {
            **visit_bound(visit.visit_date, visit.summary),
            VISIT_PARTICIPANTS: [p.name for p in _participants(svc, visit_id)],
        },
        photos_by_item,
    )
    figures = replace(
        figures,
        items_answered=figures.items_answered + bound[0],
        items_visible=figures.items_visible + bound[1],
    )
    issued_before = sum(1 for a in visit_attachments if is_issued_report(a))
    reprint = status == VisitStatus.RAPPORT_EMIS and issued_on is None
    participants = _participants(svc, visit_id)
    return VisitReport(
        shareable=shareable,
        visit_id=visit.id,
        commune_code=visit.commune_code,
        commune_name=visit.commune_name,
        departement=visit.departement,
        departement_name=commune.departement_nom if commune else "",
        epci=(commune.epci_nom or "") if commune else "",
        population=commune.population if commune else None,
        visit_date=visit.visit_date,
        visit_type=VisitType(visit.visit_type).label,
        previous_visit_date=previous_date,
        status=VisitStatus(visit.status).label,
        authors=_authors(visit.author),
        participants=participants,
        summary=visit.summary.strip(),
        key_figures=figures,
        checklist_title=checklist_form.title if checklist_form else "",
        checklist=checklist,
        interviews=interview_reports,
        diagnostic=diagnostic_report,
        actions=action_rows,
        photos=photos,
        field_notes=field_notes,
        generated_at=svc.clock(),
        issued_on=issued_on,
        confidential_left_out=keep.left_out,
        reference=visit_reference(visit.commune_code, visit.visit_date, visit.id),
        version=max(1, issued_before if reprint else issued_before + 1),
        is_draft=status in (VisitStatus.PLANIFIEE, VisitStatus.EN_COURS),
        recipients=_recipients(
            shareable,
            visit.commune_name,
            commune.departement_nom if commune else visit.departement,
            (commune.epci_nom or "") if commune else "",
            participants,
        ),
        observations=walk,
        plan=plan,
        signatures=_signature_entries(svc, visit_id),
        left_out_parts=(
            _left_out_parts([checklist_form, diagnostic_form, *guides.values()], interview_reports)
            if shareable
            else ()
        ),
        next_step=_next_step(action_rows, status),
        evolution=_evolution(svc, visit_id, diagnostic_report),
    )


def _evolution(
    svc: Services, visit_id: str, diagnostic_report: DiagnosticReport | None
) -> EvolutionReport | None:
    """What changed since the previous visit of the commune; None on a first visit.
    Nothing in it is withheld from the shareable variant: theme levels and the action
    plan are in both (neither the previous visit's answers nor its notes are read)."""
    found = evolution.visit_evolution(svc, visit_id)
    if found is None:
        return None
    themes = tuple(
        ThemeChange(theme.label, part.title, found.level_then(theme.theme_id), theme.level)
        for part in (diagnostic_report.parts if diagnostic_report else ())
        for theme in part.themes
        if theme.level is not None or found.level_then(theme.theme_id) is not None
    )
    outcomes = tuple(
        ActionOutcome(a.priority, a.text, a.due_date, a.state_label, a.late) for a in found.actions
    )
    return EvolutionReport(found.previous_visit_date, themes, outcomes)


def _crime_trends(svc: Services, commune_code: str) -> tuple[TrendSeries, ...]:
    """The trend series of the commune's recorded crime (opendata/diagnostic.py), none
    without an imported SSMSI base (or a public data file that cannot be read: the
    report is made without them rather than not at all)."""
    from fieldvisit.core.errors import FieldvisitError
    from fieldvisit.opendata.card import commune_card
    from fieldvisit.opendata.diagnostic import trend_series

    if not svc.public_data.path.exists():
        return ()  # nothing imported: no file made just to read it
    try:
        card = commune_card(svc.communes, svc.public_data, commune_code)
    except FieldvisitError:
        return ()
    return trend_series(card)


def is_issued_report(attachment: Attachment) -> bool:
    """An issued report PDF kept with the visit (see issued.py)."""
    return attachment.media_type == "application/pdf" and attachment.filename.startswith("rapport-")


def visit_reference(commune_code: str, visit_date: date, visit_id: str) -> str:
    """`SQ-<INSEE>-<AAAAMMJJ>-<4 hex>`: the same for every print of one visit; the last
    characters of its id (random in a UUIDv7) tell two visits of one day apart."""
    return f"SQ-{commune_code}-{visit_date:%Y%m%d}-{visit_id.replace('-', '')[-4:].upper()}"


def _recipients(
    shareable: bool,
    commune: str,
    departement_name: str,
    epci: str,
    participants: Iterable[Person],
) -> tuple[str, ...]:
    """The distribution list: the shareable variant goes to the commune and its
    partners; the internal one stays with the State's services and the programme.
    A design choice (no official list): named after the visit's participants where
    they are known."""
    mayors = [p.name for p in participants if p.role == ContactRole.MAIRE.label]
    mayor = f"{', '.join(mayors)}, maire de {commune}" if mayors else f"Maire de {commune}"
    state = [
        f"Préfecture de {departement_name} (sous-préfet d'arrondissement)",
        f"Groupement de gendarmerie départementale ({departement_name})",
    ]
    programme = "ANCT — programme Petites Villes de demain (chef de projet)"
    if not shareable:
        return (*state, programme)
    partners = [f"Président(e) de {epci}"] if epci else []
    return (mayor, *state, *partners, programme)


def _left_out_parts(
    forms: Iterable[FormDefinition | None], interview_reports: Iterable[InterviewReport]
) -> tuple[str, ...]:
    """One line per form: « Form : section, section ; notes libres de l'entretien »."""
    parts: list[str] = []
    for form in forms:
        if form is None:
            continue
        pieces = [section.title for section in form.withheld_sections()]
        if form.kind == FormKind.interview and form.withheld_item_ids():
            pieces.append("notes libres de l'entretien")
        if pieces:
            parts.append(f"{form.title} : {', '.join(pieces)}")
    parts.append("Notes de terrain non classées")
    return tuple(dict.fromkeys(parts))


def _next_step(action_rows: tuple[ActionRow, ...], status: VisitStatus) -> str:
    """What comes next, from the action plan: its first due date and the follow-up."""
    if status in (VisitStatus.PLANIFIEE, VisitStatus.EN_COURS):
        return (
            "Compléter les constats et le plan d'actions, puis terminer la visite : "
            "ce document est un projet."
        )
    open_actions = [a for a in action_rows if a.is_open]
    if not open_actions:
        return (
            "Aucune action n'est ouverte : une visite de suivi pourra vérifier que les "
            "constats restent d'actualité."
        )
    dated = sorted(
        ((a.due_date, a) for a in open_actions if a.due_date is not None), key=lambda d: d[0]
    )
    first = ""
    if dated:
        due, action = dated[0]
        first = (
            f"Première échéance le {day_text(due)} : « {action.text} » "
            f"({action.who or 'porteur à désigner'}). "
        )
    count = len(open_actions)
    plural = "actions ouvertes" if count > 1 else "action ouverte"
    return (
        f"{first}Une visite de suivi fera le point sur les {count} {plural} du plan, "
        "qui peut fonder un contrat de sécurité du quotidien avec l'État."
    )


def _bound_counts(
    forms: Iterable[FormDefinition | None],
    bound: Mapping[str, object],
    photos_by_item: Mapping[tuple[str, str], int],
) -> tuple[int, int]:
    """(answered, shown) items bound to the visit's fields, by the one progress function."""
    answered = shown = 0
    for form in forms:
        if form is None or not form.bound_items():
            continue
        linked = {item_id for form_id, item_id in photos_by_item if form_id == form.id}
        progress = form_progress(form.shape, {}, linked, bound=bound)
        for item_id, field in form.bound_items().items():
            if item_id in progress.visible_items:
                shown += 1
                answered += is_answered(bound.get(field))
    return answered, shown


def _key_figures(
    checklist: tuple[SectionResult, ...],
    diagnostic_report: DiagnosticReport | None,
    action_rows: tuple[ActionRow, ...],
    interview_reports: tuple[InterviewReport, ...],
    photos: tuple[PhotoEntry, ...],
) -> KeyFigures:
    parts = diagnostic_report.parts if diagnostic_report else ()
    items = [i for section in checklist for i in section.items]
    items += [i for part in parts for i in part.items]
    themes = diagnostic_report.themes if diagnostic_report else ()
    return KeyFigures(
        items_answered=sum(1 for i in items if i.answered),
        # the tables list answered items only; the unanswered ones are counted apart
        items_visible=len(items)
        + sum(section.unanswered for section in checklist)
        + sum(part.unanswered for part in parts),
        themes_rated=sum(1 for t in themes if t.level is not None),
        themes_total=len(themes),
        concerns_by_level=tuple(
            (CONCERN_LABELS[level], sum(1 for t in themes if t.level == level))
            for level in (4, 3, 2, 1, None)
        ),
        actions_open=sum(1 for a in action_rows if a.is_open),
        actions_total=len(action_rows),
        interviews=len(interview_reports),
        photos=len(photos),
    )


def _participants(svc: Services, visit_id: str) -> tuple[Person, ...]:
    people = {c.id: c for c in contacts.list_contacts(svc)}
    return tuple(
        _person(people[cid]) for cid in visits.participant_ids(svc, visit_id) if cid in people
    )


class _Filter:
    """Decides what the variant keeps, and counts what the shareable one leaves out."""

    def __init__(self, shareable: bool) -> None:
        self.shareable = shareable
        self.left_out = 0

    def keeps(self, item: FormItem) -> bool:
        if self.shareable and item.withheld:
            self.left_out += 1
            return False
        return True


def _photos_by_item(items: Iterable[Attachment]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for attachment in items:
        if attachment.form_id and attachment.item_id and _is_photo(attachment):
            key = (attachment.form_id, attachment.item_id)
            counts[key] = counts.get(key, 0) + 1
    return counts


def _is_photo(attachment: Attachment) -> bool:
    return attachments.is_photo(attachment)  # the issued report PDFs are not photos


@dataclass(frozen=True)
class _Given:
    """One form's answers: values (a linked photo answers its item), comments, and the
    form's progress over them (forms/progress.py: which items show, which count as
    answered)."""

    values: Mapping[str, object]
    comments: Mapping[str, str]
    visible: frozenset[str]


def _item_results(
    form: FormDefinition,
    section: Section,
    given: _Given,
    photos_by_item: Mapping[tuple[str, str], int],
    keep: _Filter,
) -> tuple[ItemResult, ...]:
    results = []
    for item in section.items:
        if item.id not in given.visible or not keep.keeps(item):
            continue
        if item.bind is not None:
            continue  # its visit's or interview's field, printed once where it is
        value = given.values.get(item.id)
        answered = is_answered(value)
        text = answer_text(item, value, photos_by_item.get((form.id, item.id), 0))
        if not answered:
            continue  # counted by the caller (`_unanswered`)
        if not text:  # a photo item said answered, its photo not linked
            text = ANSWERED_WITHOUT_TEXT
        results.append(
            ItemResult(
                item_id=item.id,
                label=item.label,
                answer=text,
                mark=_mark(item, value, answered),
                comment=given.comments.get(item.id, "").strip(),
                long=item.type == ItemType.long_text,
                confidential=item.confidential,
                required=item.required,
                withheld=item.withheld,
            )
        )
    return tuple(results)


def _unanswered(section: Section, given: _Given, keep: _Filter) -> int:
    """Visible items of the section the variant would show, without an answer (as
    progress counts them: forms/progress.py)."""
    return sum(
        1
        for item in section.items
        if item.id in given.visible
        and item.bind is None  # printed with its visit or interview, not as an answer
        and not (keep.shareable and item.withheld)
        and not is_answered(given.values.get(item.id))
    )


def _mark(item: FormItem, value: object, answered: bool) -> Mark:
    if not answered:
        return Mark.MISSING
    if item.type == ItemType.yes_no_na:
        if value == "na":
            return Mark.NOT_APPLICABLE
        if item.concern_if in ("oui", "non") and value in ("oui", "non"):
            return Mark.CONCERN if value == item.concern_if else Mark.NO_CONCERN
    return Mark.ANSWERED


AnswerRows = Mapping[str, Answer] | Mapping[str, InterviewAnswer]


def _given(
    form: FormDefinition, rows: AnswerRows, photos_by_item: Mapping[tuple[str, str], int]
) -> _Given:
    """The answers of one form; a photo linked to a photo item answers it."""
    values: dict[str, object] = {}
    comments: dict[str, str] = {}
    for item_id, row in rows.items():
        values[item_id] = row.value
        comments[item_id] = row.comment or ""
    # A photo answers a photo item; linked to another item it only illustrates it.
    linked = {item_id for form_id, item_id in photos_by_item if form_id == form.id}
    values = effective_answers(form.shape, values, linked)
    visible = form_progress(form.shape, values).visible_items
    return _Given(values, comments, visible)


def _form_sections(
    form: FormDefinition,
    rows: AnswerRows,
    photos_by_item: Mapping[tuple[str, str], int],
    keep: _Filter,
) -> tuple[SectionResult, ...]:
    given = _given(form, rows, photos_by_item)
    sections = []
    for section in form.sections:
        items = _item_results(form, section, given, photos_by_item, keep)
        unanswered = _unanswered(section, given, keep)
        if items or unanswered:
            sections.append(
                SectionResult(section.id, section.title, section.description, items, unanswered)
            )
    return tuple(sections)


def _diagnostic(
    form: FormDefinition,
    rows: AnswerRows,
    ratings: Mapping[str, ThemeRating],
    photos_by_item: Mapping[tuple[str, str], int],
    keep: _Filter,
) -> DiagnosticReport:
    given = _given(form, rows, photos_by_item)
    parts = []
    for section in form.sections:
        items = _item_results(form, section, given, photos_by_item, keep)
        unanswered = _unanswered(section, given, keep)
        themes = []
        for theme in section.themes:
            rating = ratings.get(theme.id)
            level = rating.level if rating is not None else None
            themes.append(
                ThemeResult(
                    theme_id=theme.id,
                    label=theme.label,
                    level=level,
                    level_label=CONCERN_LABELS.get(level, CONCERN_LABELS[None]),
                    observations=(rating.observations or "").strip() if rating else "",
                )
            )
        if items or themes or unanswered:
            parts.append(
                DiagnosticPart(
                    section.id, section.title, section.description, items, tuple(themes), unanswered
                )
            )
    return DiagnosticReport(
        form.title,
        form.description.strip(),
        tuple(parts),
        sentiments=_sentiments(form, given, keep, "Diagnostic"),
    )


def _sentiments(
    form: FormDefinition, given: _Given, keep: _Filter, source: str
) -> tuple[SentimentReading, ...]:
    """The form's « sentiment » ratings that are visible, answered and kept by the
    variant (not counted again as left out: the item's own listing counted it)."""
    readings = []
    for item in form.iter_items():
        if not is_sentiment_item(item) or item.id not in given.visible:
            continue
        if keep.shareable and item.withheld:
            continue
        value = given.values.get(item.id)
        if isinstance(value, int) and not isinstance(value, bool):
            readings.append(SentimentReading(source, item.label, value, item.scale))
    return tuple(readings)


def _interview(svc: Services, interview: Interview, keep: _Filter) -> InterviewReport:
    form = interview_guide(svc, interview)
    rows = interviews.interview_answers(svc, interview.id)
    sections = _form_sections(form, rows, {}, keep)
    withhold_notes = keep.shareable and bool(form.withheld_item_ids())
    title = interview.title or form.title
    return InterviewReport(
        title=title,
        guide_title=form.title,
        held_on=interview.held_on,
        interviewees=tuple(_person(c) for c in interviews.interviewees(svc, interview.id)),
        sections=sections,
        notes="" if withhold_notes else interview.notes.strip(),
        notes_withheld=withhold_notes and bool(interview.notes.strip()),
        sentiments=_sentiments(form, _given(form, rows, {}), keep, title),
    )


def _action(
    rec: Recommendation, theme_labels: Mapping[str, str], people: Mapping[str, Person]
) -> ActionRow:
    status = ActionStatus(rec.status)
    person = people.get(rec.porteur_contact_id or "")
    return ActionRow(
        priority=rec.priority,
        text=rec.text.strip(),
        theme=theme_labels.get(rec.theme_id or "", ""),
        horizon=_label(Horizon, rec.horizon),
        porteur=_label(Porteur, rec.porteur),
        dispositifs=tuple(
            _label(Dispositif, code) for code in dispositif_list(rec.dispositifs, rec.dispositif)
        ),
        due_date=rec.due_date,
        status=status.label,
        is_open=status.is_open,
        carried_over=rec.carried_from_id is not None,
        porteur_person=f"{person.name} ({person.role})"
        if person and person.role
        else (person.name if person else ""),
        description=(rec.description or "").strip(),
        estimated_cost=rec.estimated_cost,
        funding=tuple(
            (_label(FundingSource, str(line["source"])), int(line["amount"]))
            for line in rec.funding or ()
        ),
        success_indicator=(rec.success_indicator or "").strip(),
        review_date=rec.review_date,
    )


def _porteurs(svc: Services, recs: Iterable[Recommendation]) -> dict[str, Person]:
    """The named porteurs of these actions, read once each."""
    ids = {rec.porteur_contact_id for rec in recs if rec.porteur_contact_id}
    people = {}
    for contact in contacts.contacts_by_id(svc, ids):
        people[contact.id] = _person(contact)
    return people


def _label(enum: type[LabelledEnum], code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


def _photo_entries(
    svc: Services,
    items: Iterable[Attachment],
    forms: Iterable[FormDefinition | None],
    keep: _Filter,
    with_location: bool,
) -> tuple[PhotoEntry, ...]:
    """The photos in the order they were taken (those without a time last, in import
    order), each with its annotation; positions only when `with_location`."""
    by_id = {form.id: form for form in forms if form is not None}
    entries: list[PhotoEntry] = []
    ordered = sorted(
        (a for a in items if _is_photo(a)),
        key=lambda a: (a.taken_at is None, a.taken_at or a.created_at, a.created_at, a.id),
    )
    for attachment in ordered:
        if not _is_photo(attachment):
            continue
        linked_to = ""
        form = by_id.get(attachment.form_id or "")
        if form is not None and attachment.item_id:
            try:
                item = form.item(attachment.item_id)
            except KeyError:
                item = None
            if item is not None:
                if keep.shareable and item.withheld:
                    continue  # the caption describes a withheld item
                linked_to = f"{form.section_of(item.id).title} › {item.label}"
        entries.append(
            PhotoEntry(
                number=len(entries) + 1,
                caption=attachment.caption.strip() or attachment.filename,
                filename=attachment.filename,
                sha256=attachment.sha256,
                source=attachments.attachment_path(svc, attachment),
                linked_to=linked_to,
                taken_at=attachment.taken_at,
                location=_location_text(attachment.gps) if with_location else "",
                shapes=_shapes(attachment.annotation),
                attachment_id=attachment.id,
            )
        )
    return tuple(entries)


def _observations(
    walk: Iterable[Observation],
    items: Iterable[Attachment],
    photos: tuple[PhotoEntry, ...],
    *,
    action_rows_by_id: Mapping[str, str],
    with_location: bool,
) -> tuple[ObservationEntry, ...]:
    """The observations grouped by category (in the list's order), then as made; each
    with the numbers of its photos in the report, and a position from the first of
    its photos that carries one."""
    number_of = {photo.attachment_id: photo.number for photo in photos}
    shown: dict[str, list[int]] = {}
    located: dict[str, str] = {}
    for attachment in sorted(items, key=lambda a: (a.created_at, a.id)):
        if attachment.observation_id is None or attachment.deleted_at is not None:
            continue
        if attachment.id in number_of:  # a photo the variant prints
            shown.setdefault(attachment.observation_id, []).append(number_of[attachment.id])
        if with_location and attachment.observation_id not in located:
            where = _location_text(attachment.gps)
            if where:
                located[attachment.observation_id] = where
    ordered = sorted(walk, key=lambda o: walk_rank(o.category))  # stable
    entries: list[ObservationEntry] = []
    for observation in ordered:
        pin = parse_pin(observation.pin)
        entries.append(
            ObservationEntry(
                number=len(entries) + 1,
                category=_label(ObservationCategory, observation.category),
                place=observation.place,
                severity=_label(ObservationSeverity, observation.severity),
                comment=observation.comment.strip(),
                action=action_rows_by_id.get(observation.action_id or "", ""),
                location=located.get(observation.id, ""),
                photos=tuple(shown.get(observation.id, ())),
                pin=(pin.x, pin.y) if pin is not None else None,
            )
        )
    return tuple(entries)


def _plan(svc: Services, items: Iterable[Attachment]) -> PlanEntry | None:
    """The visit's plan of the town centre: its latest live one."""
    plans = [a for a in items if a.role == PLAN_ROLE and a.deleted_at is None]
    if not plans:
        return None
    latest = max(plans, key=lambda a: (a.created_at, a.id))
    return PlanEntry(latest.filename, latest.sha256, attachments.attachment_path(svc, latest))


def _location_text(value: object) -> str:
    where = parse_location(value)
    return where.text() if where is not None else ""


def _shapes(value: object) -> tuple[Shape, ...]:
    try:
        return parse_annotation(value)
    except ValueError:  # the wire checks it: never seen
        return ()


def _person(contact: Contact) -> Person:
    try:
        role = ContactRole(contact.role).label
    except ValueError:
        role = contact.role
    return Person(contact.name, role, contact.organisation)


def _authors(author: str) -> tuple[str, ...]:
    parts = [p.strip() for chunk in author.splitlines() for p in chunk.split(";")]
    return tuple(p for p in parts if p)


def _visit_date_or_none(svc: Services, visit_id: str) -> date | None:
    from fieldvisit.core.errors import NotFound

    try:
        return visits.get_visit(svc, visit_id).visit_date
    except NotFound:
        return None
