"""Use cases of a visit: plan it, follow it up, move it through its statuses, list them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session

from fieldvisit.core.domain import VISIT_TRANSITIONS, VisitStatus, VisitType
from fieldvisit.core.errors import BadInput, NotFound, RuleViolation
from fieldvisit.core.ids import new_id
from fieldvisit.forms import FormDefinition, FormKind
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live, upsert_by_key
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Contact,
    Recommendation,
    Visit,
    VisitParticipant,
    natural_id,
)

DEFAULT_CHECKLIST = "visite-centre-bourg"
DEFAULT_DIAGNOSTIC = "diagnostic-securite"


@dataclass(frozen=True)
class VisitSummary:
    """One row of the visit list."""

    id: str
    commune_code: str
    commune_name: str
    departement: str
    visit_date: date
    visit_type: VisitType
    status: VisitStatus
    author: str
    answered: int
    total: int

    @property
    def progress(self) -> float:
        return self.answered / self.total if self.total else 0.0


def _pick_form(svc: Services, form_id: str | None, default: str, kind: FormKind) -> FormDefinition:
    wanted = form_id or default
    form = svc.forms.latest(wanted)
    if form.kind != kind:
        raise BadInput(f"Le formulaire « {wanted} » n'est pas un formulaire de type {kind}.")
    return form


def plan_visit(
    svc: Services,
    commune_code: str,
    visit_date: date,
    visit_type: VisitType = VisitType.PREMIERE,
    author: str = "",
    checklist_form: str | None = None,
    diagnostic_form: str | None = None,
    previous_visit_id: str | None = None,
    visit_id: str | None = None,
) -> Visit:
    """Plan a visit of a commune; a follow-up carries over the open recommendations.

    `visit_id` is for records whose id is decided elsewhere (demo data); normally a new
    UUIDv7 is made.
    """
    commune = svc.communes.get(commune_code)
    if commune is None:
        raise NotFound(
            f"Commune inconnue : code INSEE « {commune_code} ». Cherchez le code avec "
            "« fieldvisit communes search NOM »."
        )
    if not commune.is_current:
        parent = svc.communes.get(commune.chef_lieu or "")
        parent_text = f"{parent.nom} ({parent.code})" if parent else "sa commune de rattachement"
        raise BadInput(
            f"{commune.label} n'est plus une commune de plein exercice : planifiez la "
            f"visite sur {parent_text}."
        )
    checklist = _pick_form(svc, checklist_form, DEFAULT_CHECKLIST, FormKind.checklist)
    diagnostic = _pick_form(svc, diagnostic_form, DEFAULT_DIAGNOSTIC, FormKind.diagnostic)
    with svc.store.transaction() as session:
        previous = None
        if previous_visit_id is not None:
            previous = get_live(session, Visit, previous_visit_id)
            if previous.commune_code != commune.code:
                raise RuleViolation(
                    "Une visite de suivi porte sur la même commune que la précédente."
                )
        elif visit_type == VisitType.SUIVI:
            previous = _latest_visit_of(session, commune.code, before=visit_date)
        visit = Visit(
            id=visit_id or new_id(),
            commune_code=commune.code,
            commune_name=commune.nom,
            departement=commune.departement,
            visit_date=visit_date,
            visit_type=VisitType.SUIVI if previous is not None else visit_type,
            status=VisitStatus.PLANIFIEE,
            author=author,
            summary="",
            previous_visit_id=previous.id if previous is not None else None,
            checklist_form_id=checklist.id,
            checklist_form_version=checklist.version,
            diagnostic_form_id=diagnostic.id,
            diagnostic_form_version=diagnostic.version,
        )
        svc.stamp(visit, new=True)
        session.add(visit)
        session.flush()
        if previous is not None:
            _carry_over_recommendations(svc, session, previous, visit)
    return visit


def plan_follow_up(svc: Services, visit_id: str, visit_date: date, author: str = "") -> Visit:
    """A follow-up visit of the same commune, keeping the forms of the previous one."""
    with svc.store.reading() as session:
        previous = get_live(session, Visit, visit_id)
    return plan_visit(
        svc,
        previous.commune_code,
        visit_date,
        VisitType.SUIVI,
        author=author or previous.author,
        checklist_form=previous.checklist_form_id,
        diagnostic_form=previous.diagnostic_form_id,
        previous_visit_id=previous.id,
    )


def _latest_visit_of(session: Session, commune_code: str, before: date) -> Visit | None:
    return session.scalar(
        select(Visit)
        .where(
            Visit.commune_code == commune_code,
            Visit.deleted_at.is_(None),
            Visit.visit_date <= before,
        )
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(1)
    )


def _carry_over_recommendations(
    svc: Services, session: Session, previous: Visit, visit: Visit
) -> None:
    open_recs = session.scalars(
        select(Recommendation)
        .where(
            Recommendation.visit_id == previous.id,
            Recommendation.deleted_at.is_(None),
            Recommendation.status.in_(["a_engager", "en_cours"]),
        )
        .order_by(Recommendation.priority, Recommendation.created_at)
    )
    for old in open_recs:
        copy = Recommendation(
            visit_id=visit.id,
            text=old.text,
            theme_id=old.theme_id,
            priority=old.priority,
            horizon=old.horizon,
            porteur=old.porteur,
            dispositif=old.dispositif,
            due_date=old.due_date,
            status=old.status,
            carried_from_id=old.id,
        )
        svc.stamp(copy, new=True)
        session.add(copy)


def get_visit(svc: Services, visit_id: str) -> Visit:
    with svc.store.reading() as session:
        return get_live(session, Visit, visit_id)


def update_visit(
    svc: Services,
    visit_id: str,
    *,
    visit_date: date | None = None,
    author: str | None = None,
    summary: str | None = None,
) -> Visit:
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        if visit_date is not None:
            visit.visit_date = visit_date
        if author is not None:
            visit.author = author
        if summary is not None:
            visit.summary = summary
        svc.stamp(visit)
    return visit


def _checklist_forms(svc: Services, visit: Visit | Row[Any]) -> list[FormDefinition]:
    forms = []
    for form_id, version in (
        (visit.checklist_form_id, visit.checklist_form_version),
        (visit.diagnostic_form_id, visit.diagnostic_form_version),
    ):
        if form_id is not None and version is not None:
            forms.append(svc.forms.get(form_id, version))
    return forms


def answers_by_form(session: Session, visit_id: str) -> dict[str, dict[str, object]]:
    """Live answers of a visit, {form_id: {item_id: value}}; photo items count as
    answered when a photo is linked to them."""
    result: dict[str, dict[str, object]] = {}
    rows = session.execute(
        select(Answer.form_id, Answer.item_id, Answer.value).where(
            Answer.visit_id == visit_id, Answer.deleted_at.is_(None)
        )
    )
    for form_id, item_id, value in rows:
        result.setdefault(form_id, {})[item_id] = value
    linked = session.execute(
        select(Attachment.form_id, Attachment.item_id).where(
            Attachment.visit_id == visit_id,
            Attachment.deleted_at.is_(None),
            Attachment.item_id.is_not(None),
        )
    )
    for form_id, item_id in linked:
        if form_id is not None and item_id is not None:
            # A photo answers a photo item; it never replaces another item's answer.
            result.setdefault(form_id, {}).setdefault(item_id, True)
    return result


def missing_required_items(svc: Services, visit_id: str) -> list[str]:
    """Labels "Section › Item" of the required visible items still unanswered."""
    with svc.store.reading() as session:
        visit = get_live(session, Visit, visit_id)
        answers = answers_by_form(session, visit_id)
    missing = []
    for form in _checklist_forms(svc, visit):
        given = answers.get(form.id, {})
        missing_ids = {item.id for item in form.missing_required(given)}
        for section in form.sections:
            for item in section.items:
                if item.id in missing_ids:
                    missing.append(f"{form.title} › {section.title} › {item.label}")
    return missing


def _move(svc: Services, visit_id: str, target: VisitStatus) -> Visit:
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        current = VisitStatus(visit.status)
        if target not in VISIT_TRANSITIONS[current]:
            raise RuleViolation(
                f"Une visite « {current.label} » ne peut pas passer à « {target.label} »."
            )
        visit.status = target
        svc.stamp(visit)
    return visit


def start_visit(svc: Services, visit_id: str) -> Visit:
    return _move(svc, visit_id, VisitStatus.EN_COURS)


def complete_visit(svc: Services, visit_id: str) -> Visit:
    """Complete a visit; every required visible item must be answered first."""
    missing = missing_required_items(svc, visit_id)
    if missing:
        raise RuleViolation(
            f"La visite ne peut pas être terminée : {len(missing)} élément(s) obligatoire(s) "
            "sans réponse.",
            missing,
        )
    return _move(svc, visit_id, VisitStatus.TERMINEE)


def reopen_visit(svc: Services, visit_id: str) -> Visit:
    return _move(svc, visit_id, VisitStatus.EN_COURS)


def mark_report_issued(svc: Services, visit_id: str) -> Visit:
    return _move(svc, visit_id, VisitStatus.RAPPORT_EMIS)


def add_participant(svc: Services, visit_id: str, contact_id: str) -> VisitParticipant:
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        get_live(session, Contact, contact_id)
        return upsert_by_key(
            svc,
            session,
            VisitParticipant,
            natural_id("participant", visit_id, contact_id),
            visit_id=visit_id,
            contact_id=contact_id,
        )


def participant_ids(svc: Services, visit_id: str) -> list[str]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(VisitParticipant.contact_id).where(
                    VisitParticipant.visit_id == visit_id, VisitParticipant.deleted_at.is_(None)
                )
            )
        )


@dataclass(frozen=True)
class VisitFilter:
    text: str = ""
    status: VisitStatus | None = None
    departement: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _filtered(query: Select, flt: VisitFilter) -> Select:  # type: ignore[type-arg]
    query = query.where(Visit.deleted_at.is_(None))
    if flt.text.strip():
        pattern = f"%{flt.text.strip()}%"
        query = query.where(
            or_(
                Visit.commune_name.ilike(pattern),
                Visit.commune_code.like(pattern),
                Visit.author.ilike(pattern),
            )
        )
    if flt.status is not None:
        query = query.where(Visit.status == flt.status)
    if flt.departement:
        query = query.where(Visit.departement == flt.departement)
    if flt.date_from is not None:
        query = query.where(Visit.visit_date >= flt.date_from)
    if flt.date_to is not None:
        query = query.where(Visit.visit_date <= flt.date_to)
    return query


_SUMMARY_COLUMNS = (
    Visit.id,
    Visit.commune_code,
    Visit.commune_name,
    Visit.departement,
    Visit.visit_date,
    Visit.visit_type,
    Visit.status,
    Visit.author,
    Visit.checklist_form_id,
    Visit.checklist_form_version,
    Visit.diagnostic_form_id,
    Visit.diagnostic_form_version,
)


def list_visits(
    svc: Services, flt: VisitFilter | None = None, limit: int | None = None, offset: int = 0
) -> list[VisitSummary]:
    """Visits newest first, with the checklist progress (answered / items).

    Answers are counted for the returned page only, so a first page stays fast
    however many visits and answers the database holds.
    """
    # Plain columns, not ORM objects: this runs at start-up and on every list refresh.
    query = _filtered(select(*_SUMMARY_COLUMNS), flt or VisitFilter()).order_by(
        Visit.visit_date.desc(), Visit.id.desc()
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    with svc.store.reading() as session:
        page = list(session.execute(query))
        counts: dict[str, int] = {}
        ids = [visit.id for visit in page]
        for start in range(0, len(ids), 500):  # stay under SQLite's variable limit
            chunk = ids[start : start + 500]
            rows = session.execute(
                select(Answer.visit_id, func.count())
                .where(
                    Answer.visit_id.in_(chunk),
                    Answer.deleted_at.is_(None),
                    Answer.value.is_not(None),
                )
                .group_by(Answer.visit_id)
            )
            counts.update((visit_id, int(n)) for visit_id, n in rows)
    totals: dict[tuple[str | None, int | None, str | None, int | None], int] = {}
    summaries = []
    for visit in page:
        key = (
            visit.checklist_form_id,
            visit.checklist_form_version,
            visit.diagnostic_form_id,
            visit.diagnostic_form_version,
        )
        if key not in totals:
            totals[key] = _form_size(svc, visit)
        summaries.append(
            VisitSummary(
                id=visit.id,
                commune_code=visit.commune_code,
                commune_name=visit.commune_name,
                departement=visit.departement,
                visit_date=visit.visit_date,
                visit_type=VisitType(visit.visit_type),
                status=VisitStatus(visit.status),
                author=visit.author,
                answered=counts.get(visit.id, 0),
                total=totals[key],
            )
        )
    return summaries


def _form_size(svc: Services, visit: Visit | Row[Any]) -> int:
    total = 0
    for form in _checklist_forms_or_none(svc, visit):
        total += sum(1 for _ in form.iter_items())
    return total


def _checklist_forms_or_none(svc: Services, visit: Visit | Row[Any]) -> list[FormDefinition]:
    try:
        return _checklist_forms(svc, visit)
    except NotFound:
        return []  # a form that is no longer installed: the list still shows the visit


def count_visits(svc: Services, flt: VisitFilter | None = None) -> int:
    query = _filtered(select(func.count(Visit.id)), flt or VisitFilter())
    with svc.store.reading() as session:
        return int(session.scalar(query) or 0)
