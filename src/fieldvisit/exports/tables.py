"""The tables of the spreadsheet export, as rows of typed values, streamed from the store.

Six tables (`export_tables`): Visites, Réponses (one row per answer, with its form,
section and item labels), Observations (one row per observation of the walk's
repeatable group « Points d'attention », numbered as in the report), Entretiens,
Diagnostic (one row per theme rating) and Actions. The observations have a sheet of
their own: their fields (category, place, position, severity, photos, action) are
columns with types of their own, which Réponses' one « Réponse » column cannot hold.
Each is a `Table` whose `rows()` reads the store in batches (`yield_per`) and yields
plain tuples — dates as `date`, numbers as `int`/`float`, everything else as text — so
that the workbook and the CSV writers (workbook.py) hold one batch at a time, whatever
the number of visits.

Scope: every visit of the local database, i.e. every visit the user can read — the
sync server only sends a laptop the visits of its user's territories, so nothing
here filters by territory again. `communes` narrows it to some communes (INSEE codes).

Confidentiality follows the shareable report's rule (report/model.py): unless
`internal`, items *withheld* by their form (confidential, or `shareable = false`) are
left out of Réponses and Entretiens, and so are the free notes of an interview whose
guide has such items (free text where a confidential remark cannot be told apart).
Only the items a visit shows (their `visible_if` on its answers) are listed, as in
the report. An observation's position (from the first of its photos that carries one,
as in the report) is personal data: only in the internal export, or when the
Préférences keep positions in shared copies (`scope.location`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from fieldvisit.core.action_plan import dispositif_list, funding_text, funding_total
from fieldvisit.core.domain import (
    ActionStatus,
    Dispositif,
    Horizon,
    ObservationCategory,
    ObservationSeverity,
    Porteur,
    VisitStatus,
    VisitType,
    walk_rank,
)
from fieldvisit.core.geo import DEFAULT_POLICY, LocationPolicy, parse_location
from fieldvisit.forms import FormDefinition, FormItem, ItemType, is_answered
from fieldvisit.forms.progress import form_progress
from fieldvisit.report.model import visit_reference
from fieldvisit.report.text import answer_text, parse_iso_date
from fieldvisit.services.context import Services
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Contact,
    Interview,
    InterviewAnswer,
    Interviewee,
    Observation,
    Recommendation,
    ThemeRating,
    Visit,
    VisitParticipant,
)

BATCH = 2000  # rows fetched at a time: bounded memory, few round trips
Cell = str | int | float | date | None
Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 14  # in characters, for the workbook
    kind: str = "text"  # text, date, number: how the workbook formats it


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook, one CSV file."""

    sheet: str  # « Réponses »
    filename: str  # « reponses » (the CSV's name, without extension)
    columns: tuple[Column, ...]
    rows: Callable[[], Iterator[Row]]
    count: Callable[[], int]  # how many rows `rows` yields at most (progress)


@dataclass(frozen=True)
class ExportScope:
    internal: bool = False  # with the withheld items (confidential, internal only)
    communes: frozenset[str] = frozenset()  # INSEE codes; empty: every commune
    location: LocationPolicy = DEFAULT_POLICY  # the Préférences: positions in shared copies

    @classmethod
    def of(
        cls,
        internal: bool = False,
        communes: Iterable[str] = (),
        location: LocationPolicy = DEFAULT_POLICY,
    ) -> ExportScope:
        return cls(internal, frozenset(code.strip() for code in communes if code.strip()), location)

    @property
    def with_location(self) -> bool:
        """Whether the observations' positions are exported."""
        return self.internal or self.location.in_shared_copies


_VISIT = (
    Column("Commune (INSEE)", 10),
    Column("Commune", 24),
    Column("Date de la visite", 12, "date"),
)


def export_tables(svc: Services, scope: ExportScope) -> tuple[Table, ...]:
    """The six tables, in sheet order; nothing is read until a table's rows are."""
    forms = _Forms(svc)
    return (
        Table(
            "Visites",
            "visites",
            (
                Column("Référence", 24),
                Column("Commune (INSEE)", 10),
                Column("Commune", 24),
                Column("Département", 8),
                Column("Date de la visite", 12, "date"),
                Column("Type", 14),
                Column("Statut", 14),
                Column("Rédaction", 24),
                Column("Participants", 40),
                Column("Synthèse", 60),
                Column("Identifiant", 38),
            ),
            lambda: _visit_rows(svc, scope),
            lambda: _count(svc, _visits_query(scope)),
        ),
        Table(
            "Réponses",
            "reponses",
            (
                *_VISIT,
                Column("Formulaire", 28),
                Column("Section", 28),
                Column("Question", 48),
                Column("Réponse", 28),
                Column("Commentaire", 40),
                Column("Identifiant de la visite", 38),
                Column("Élément", 20),
            ),
            lambda: _answer_rows(svc, forms, scope),
            lambda: _count(svc, _scoped(select(Answer.id).join(Visit), Answer, scope)),
        ),
        Table(
            "Observations",
            "observations",
            (
                *_VISIT,
                Column("N°", 6, "number"),
                Column("Catégorie", 18),
                Column("Lieu", 32),
                Column("Latitude", 11, "number"),
                Column("Longitude", 11, "number"),
                Column("Gravité", 10),
                Column("Commentaire", 48),
                Column("Photos", 8, "number"),
                Column("Action liée", 48),
                Column("Identifiant de la visite", 38),
                Column("Identifiant", 38),
            ),
            lambda: _observation_rows(svc, scope),
            lambda: _count(svc, _scoped(select(Observation.id).join(Visit), Observation, scope)),
        ),
        Table(
            "Entretiens",
            "entretiens",
            (
                *_VISIT,
                Column("Entretien", 28),
                Column("Guide", 28),
                Column("Date de l'entretien", 12, "date"),
                Column("Personnes rencontrées", 32),
                Column("Section", 28),
                Column("Question", 48),
                Column("Réponse", 28),
                Column("Commentaire", 40),
                Column("Identifiant de la visite", 38),
            ),
            lambda: _interview_rows(svc, forms, scope),
            lambda: _count(
                svc,
                _scoped(
                    select(InterviewAnswer.id).join(Interview).join(Visit), InterviewAnswer, scope
                ).where(Interview.deleted_at.is_(None)),
            ),
        ),
        Table(
            "Diagnostic",
            "diagnostic",
            (
                *_VISIT,
                Column("Partie", 28),
                Column("Thème", 32),
                Column("Niveau", 8, "number"),
                Column("Niveau (libellé)", 18),
                Column("Observations", 60),
                Column("Identifiant de la visite", 38),
            ),
            lambda: _rating_rows(svc, forms, scope),
            lambda: _count(svc, _scoped(select(ThemeRating.id).join(Visit), ThemeRating, scope)),
        ),
        Table(
            "Actions",
            "actions",
            (
                *_VISIT,
                Column("Priorité", 8, "number"),
                Column("Action", 60),
                Column("Thème", 28),
                Column("Horizon", 14),
                Column("Porteur", 18),
                Column("Porteur nommé", 24),
                Column("Dispositifs", 30),
                Column("Échéance", 12, "date"),
                Column("Statut", 12),
                Column("Origine", 10),
                Column("Description", 50),
                Column("Coût estimé (€)", 12, "number"),
                Column("Financement total (€)", 12, "number"),
                Column("Financement (détail)", 40),
                Column("Indicateur de réussite", 40),
                Column("Date de revue", 12, "date"),
                Column("Identifiant de la visite", 38),
            ),
            lambda: _action_rows(svc, forms, scope),
            lambda: _count(
                svc, _scoped(select(Recommendation.id).join(Visit), Recommendation, scope)
            ),
        ),
    )


# -- queries ---------------------------------------------------------------------------


def _scoped(query: Any, model: Any, scope: ExportScope) -> Any:
    """Live rows of live visits, of the scope's communes."""
    query = query.where(model.deleted_at.is_(None), Visit.deleted_at.is_(None))
    if scope.communes:
        query = query.where(Visit.commune_code.in_(sorted(scope.communes)))
    return query


def _visits_query(scope: ExportScope) -> Any:
    query = select(Visit.id).where(Visit.deleted_at.is_(None))
    if scope.communes:
        query = query.where(Visit.commune_code.in_(sorted(scope.communes)))
    return query


def _count(svc: Services, query: Any) -> int:
    from sqlalchemy import func

    with svc.store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _stream(svc: Services, query: Any) -> Iterator[Any]:
    """The query's rows, `BATCH` at a time (one read transaction for the whole table).

    Run on the session's connection: the queries select columns only, and the ORM's
    per-row work on them was a tenth of the workbook (benchmarks/bench_exports.py)."""
    with svc.store.reading() as session:
        yield from session.connection().execute(query.execution_options(yield_per=BATCH))


_ORDER = (Visit.visit_date, Visit.commune_name, Visit.id)
_VISIT_COLUMNS = (
    Visit.id.label("visit_id"),
    Visit.commune_code,
    Visit.commune_name,
    Visit.visit_date,
)


def _visit_cells(row: Any) -> Row:
    return (row.commune_code, row.commune_name, row.visit_date)


class _Forms:
    """Form definitions by (id, version), looked up once; None for one not installed."""

    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._cache: dict[tuple[str, int | None], FormDefinition | None] = {}

    def get(self, form_id: str | None, version: int | None) -> FormDefinition | None:
        if not form_id:
            return None
        key = (form_id, version)
        if key not in self._cache:
            catalogue = self._svc.forms
            if version is not None and (form_id, version) in catalogue:
                self._cache[key] = catalogue.get(form_id, version)
            else:
                versions = [f for f in catalogue if f.id == form_id]
                self._cache[key] = max(versions, key=lambda f: f.version) if versions else None
        return self._cache[key]


# -- Visites ---------------------------------------------------------------------------


def _visit_rows(svc: Services, scope: ExportScope) -> Iterator[Row]:
    participants = _names_by(
        svc,
        select(VisitParticipant.visit_id, Contact.name)
        .join(Contact, Contact.id == VisitParticipant.contact_id)
        .where(VisitParticipant.deleted_at.is_(None), Contact.deleted_at.is_(None)),
    )
    query = select(
        *_VISIT_COLUMNS,
        Visit.departement,
        Visit.visit_type,
        Visit.status,
        Visit.author,
        Visit.summary,
    ).where(Visit.deleted_at.is_(None))
    if scope.communes:
        query = query.where(Visit.commune_code.in_(sorted(scope.communes)))
    for row in _stream(svc, query.order_by(*_ORDER)):
        yield (
            visit_reference(row.commune_code, row.visit_date, row.visit_id),
            row.commune_code,
            row.commune_name,
            row.departement,
            row.visit_date,
            _label(VisitType, row.visit_type),
            _label(VisitStatus, row.status),
            row.author,
            ", ".join(participants.get(row.visit_id, ())),
            (row.summary or "").strip(),
            row.visit_id,
        )


def _names_by(svc: Services, query: Any) -> dict[str, list[str]]:
    """{owner id: names}, from (owner id, name) rows (participants, interviewees)."""
    names: dict[str, list[str]] = {}
    for owner, name in _stream(svc, query):
        names.setdefault(owner, []).append(name)
    return names


# -- Réponses --------------------------------------------------------------------------


def _answer_rows(svc: Services, forms: _Forms, scope: ExportScope) -> Iterator[Row]:
    query = _scoped(
        select(
            *_VISIT_COLUMNS,
            Visit.checklist_form_id,
            Visit.checklist_form_version,
            Visit.diagnostic_form_id,
            Visit.diagnostic_form_version,
            Answer.form_id,
            Answer.item_id,
            Answer.value,
            Answer.comment,
        ).join(Visit, Visit.id == Answer.visit_id),
        Answer,
        scope,
    ).order_by(*_ORDER, Answer.form_id)
    for _, group in itertools.groupby(_stream(svc, query), key=lambda r: r.visit_id):
        by_form: dict[str, list[Any]] = {}
        for row in group:
            by_form.setdefault(row.form_id, []).append(row)
        first = next(iter(by_form.values()))[0]
        head = _visit_cells(first)  # once a visit, not once an answer
        pinned = {
            first.checklist_form_id: (0, first.checklist_form_version),
            first.diagnostic_form_id: (1, first.diagnostic_form_version),
        }
        # The checklist first, then the diagnostic, as in the report.
        for form_id in sorted(by_form, key=lambda f: (pinned.get(f, (2, None))[0], f)):
            rows = by_form[form_id]
            form = forms.get(form_id, pinned.get(form_id, (2, None))[1])
            given = {r.item_id: (r.value, r.comment or "") for r in rows}
            title = form.title if form else form_id
            for item, section, value, comment in _shown(form, given, scope):
                yield (
                    *head,
                    title,
                    section,
                    item.label if item else "",
                    value,
                    comment,
                    first.visit_id,
                    item.id if item else "",
                )


def _shown(
    form: FormDefinition | None, given: Mapping[str, tuple[object, str]], scope: ExportScope
) -> Iterator[tuple[FormItem | None, str, Cell, str]]:
    """(item, section title, typed answer, comment) of the answered items a visit shows,
    in form order; the withheld ones only when `scope.internal`. Without its form (not
    installed here), the stored answers as they are, by item id."""
    if form is None:
        for item_id, (value, comment) in sorted(given.items()):
            if is_answered(value):
                yield None, item_id, _raw(value), comment.strip()
        return
    values = {item_id: value for item_id, (value, _) in given.items()}
    visible = form_progress(form.shape, values).visible_items
    for section in form.sections:
        if section.repeat:
            continue  # answered per occurrence: no single answer to list
        for item in section.items:
            if item.id not in visible or item.id not in given:
                continue
            if item.withheld and not scope.internal:
                continue
            value, comment = given[item.id]
            cell = typed_answer(item, value)
            if cell is None or cell == "":
                continue
            yield item, section.title, cell, comment.strip()


def typed_answer(item: FormItem, value: object) -> Cell:
    """The answer as a spreadsheet cell: a number item's number, a date item's date,
    otherwise the text the report prints (choice labels, « Oui », « 3 / 4 »)."""
    if not is_answered(value):
        return None
    if (
        item.type == ItemType.number
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return value
    if item.type == ItemType.rating and isinstance(value, int) and not isinstance(value, bool):
        return value
    if item.type == ItemType.date:
        day = parse_iso_date(str(value))
        if day is not None:
            return day
    return answer_text(item, value)


def _raw(value: object) -> Cell:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list):
        return " ; ".join(str(v) for v in value)
    return str(value)


# -- Observations ----------------------------------------------------------------------


def _observation_rows(svc: Services, scope: ExportScope) -> Iterator[Row]:
    """One row per live observation, numbered per visit as in its report
    (report/model.py): grouped by category in the list's order, then as made."""
    photos = _observation_photos(svc, scope)
    query = _scoped(
        select(
            *_VISIT_COLUMNS,
            Observation.id.label("observation_id"),
            Observation.category,
            Observation.place,
            Observation.severity,
            Observation.comment,
            Recommendation.text.label("action_text"),
        )
        .join(Visit, Visit.id == Observation.visit_id)
        .outerjoin(
            Recommendation,
            (Recommendation.id == Observation.action_id) & Recommendation.deleted_at.is_(None),
        ),
        Observation,
        scope,
    ).order_by(*_ORDER, Observation.created_at, Observation.id)
    for _, group in itertools.groupby(_stream(svc, query), key=lambda r: r.visit_id):
        walk = sorted(group, key=lambda r: walk_rank(r.category))
        for number, row in enumerate(walk, start=1):
            count, where = photos.get(row.observation_id, (0, None))
            located = where if scope.with_location else None
            yield (
                *_visit_cells(row),
                number,
                _label(ObservationCategory, row.category),
                (row.place or "").strip(),
                located.lat if located else None,
                located.lon if located else None,
                _label(ObservationSeverity, row.severity),
                (row.comment or "").strip(),
                count,
                (row.action_text or "").strip() or None,
                row.visit_id,
                row.observation_id,
            )


def _observation_photos(svc: Services, scope: ExportScope) -> dict[str, tuple[int, Any]]:
    """{observation id: (live photos linked to it, the position of the first of them
    that carries one, or None)}, photos taken in the order they were imported."""
    query = _scoped(
        select(Attachment.observation_id, Attachment.gps)
        .join(Visit, Visit.id == Attachment.visit_id)
        .where(Attachment.observation_id.is_not(None)),
        Attachment,
        scope,
    ).order_by(Attachment.created_at, Attachment.id)
    found: dict[str, tuple[int, Any]] = {}
    for observation_id, gps in _stream(svc, query):
        count, where = found.get(observation_id, (0, None))
        found[observation_id] = (count + 1, where or parse_location(gps))
    return found


# -- Entretiens ------------------------------------------------------------------------

NOTES_LABEL = "Notes libres"


def _interview_rows(svc: Services, forms: _Forms, scope: ExportScope) -> Iterator[Row]:
    people = _names_by(
        svc,
        select(Interviewee.interview_id, Contact.name)
        .join(Contact, Contact.id == Interviewee.contact_id)
        .where(Interviewee.deleted_at.is_(None), Contact.deleted_at.is_(None)),
    )
    query = _scoped(
        select(
            *_VISIT_COLUMNS,
            Interview.id.label("interview_id"),
            Interview.form_id,
            Interview.form_version,
            Interview.title,
            Interview.held_on,
            Interview.notes,
            InterviewAnswer.item_id,
            InterviewAnswer.value,
            InterviewAnswer.comment,
        )
        .select_from(Interview)
        .join(Visit, Visit.id == Interview.visit_id)
        .outerjoin(
            InterviewAnswer,
            (InterviewAnswer.interview_id == Interview.id) & InterviewAnswer.deleted_at.is_(None),
        ),
        Interview,
        scope,
    ).order_by(*_ORDER, Interview.held_on, Interview.id)
    for _, group in itertools.groupby(_stream(svc, query), key=lambda r: r.interview_id):
        rows = list(group)
        first = rows[0]
        form = forms.get(first.form_id, first.form_version)
        guide = form.title if form else first.form_id
        head = (
            *_visit_cells(first),
            first.title or guide,
            guide,
            first.held_on,
            ", ".join(people.get(first.interview_id, ())),
        )
        given = {r.item_id: (r.value, r.comment or "") for r in rows if r.item_id is not None}
        for item, section, value, comment in _shown(form, given, scope):
            yield (*head, section, item.label if item else "", value, comment, first.visit_id)
        notes = (first.notes or "").strip()
        # The shareable rule: a guide with withheld items keeps its free notes internal.
        notes_withheld = form is None or bool(form.withheld_item_ids())
        if notes and (scope.internal or not notes_withheld):
            yield (*head, NOTES_LABEL, NOTES_LABEL, notes, "", first.visit_id)


# -- Diagnostic ------------------------------------------------------------------------

LEVEL_LABELS = {1: "Faible", 2: "Modéré", 3: "Préoccupant", 4: "Très préoccupant"}


def _rating_rows(svc: Services, forms: _Forms, scope: ExportScope) -> Iterator[Row]:
    query = _scoped(
        select(
            *_VISIT_COLUMNS,
            Visit.diagnostic_form_id,
            Visit.diagnostic_form_version,
            ThemeRating.theme_id,
            ThemeRating.level,
            ThemeRating.observations,
        ).join(Visit, Visit.id == ThemeRating.visit_id),
        ThemeRating,
        scope,
    ).order_by(*_ORDER)
    for _, group in itertools.groupby(_stream(svc, query), key=lambda r: r.visit_id):
        rows = {r.theme_id: r for r in group}
        first = next(iter(rows.values()))
        form = forms.get(first.diagnostic_form_id, first.diagnostic_form_version)
        ordered: list[tuple[str, str, Any]] = []
        if form is not None:
            for section in form.sections:
                for theme in section.themes:
                    if theme.id in rows:
                        ordered.append((section.title, theme.label, rows.pop(theme.id)))
        ordered += [("", theme_id, row) for theme_id, row in sorted(rows.items())]
        head = _visit_cells(first)
        for part, label, row in ordered:
            yield (
                *head,
                part,
                label,
                row.level,
                LEVEL_LABELS.get(row.level, "Non évalué"),
                (row.observations or "").strip(),
                first.visit_id,
            )


# -- Actions ---------------------------------------------------------------------------


def _action_rows(svc: Services, forms: _Forms, scope: ExportScope) -> Iterator[Row]:
    query = _scoped(
        select(
            *_VISIT_COLUMNS,
            Visit.diagnostic_form_id,
            Visit.diagnostic_form_version,
            Recommendation.priority,
            Recommendation.text,
            Recommendation.theme_id,
            Recommendation.horizon,
            Recommendation.porteur,
            Recommendation.dispositif,
            Recommendation.dispositifs,
            Recommendation.due_date,
            Recommendation.status,
            Recommendation.carried_from_id,
            Recommendation.description,
            Recommendation.estimated_cost,
            Recommendation.funding,
            Recommendation.success_indicator,
            Recommendation.review_date,
            Contact.name.label("porteur_name"),
        )
        .join(Visit, Visit.id == Recommendation.visit_id)
        # the named porteur: a contact deleted since still names who carried it
        .outerjoin(Contact, Contact.id == Recommendation.porteur_contact_id),
        Recommendation,
        scope,
    ).order_by(*_ORDER, Recommendation.priority, Recommendation.created_at)
    themes: dict[tuple[str | None, int | None], dict[str, str]] = {}
    for row in _stream(svc, query):
        funding = row.funding or []
        key = (row.diagnostic_form_id, row.diagnostic_form_version)
        if key not in themes:
            form = forms.get(*key)
            themes[key] = {t.id: t.label for t in form.iter_themes()} if form else {}
        yield (
            *_visit_cells(row),
            row.priority,
            (row.text or "").strip(),
            themes[key].get(row.theme_id or "", row.theme_id or ""),
            _label(Horizon, row.horizon),
            _label(Porteur, row.porteur),
            (row.porteur_name or "").strip(),
            " ; ".join(
                _label(Dispositif, code)
                for code in dispositif_list(row.dispositifs, row.dispositif)
            ),
            row.due_date,
            _label(ActionStatus, row.status),
            "Reprise" if row.carried_from_id else "Nouvelle",  # the report's word
            (row.description or "").strip(),
            row.estimated_cost,
            funding_total(funding) if funding else None,
            funding_text(funding),
            (row.success_indicator or "").strip(),
            row.review_date,
            row.visit_id,
        )


def _label(enum: Any, code: str | None) -> str:
    """The code's French label; the code itself when the list does not know it (a newer
    version's code). One dict look-up a cell: each list's labels are read once."""
    labels = _LABELS.get(enum)
    if labels is None:
        labels = _LABELS[enum] = {member.value: str(member.label) for member in enum}
    if code in labels:
        return labels[code]
    try:  # a code written otherwise (case, the label itself): the list's own reading
        return str(enum(code).label)
    except ValueError:
        return code or ""


_LABELS: dict[Any, dict[str, str]] = {}
