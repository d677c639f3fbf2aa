"""Use cases of a visit: plan it, follow it up, move it through its statuses.

Listing visits lives in services/listing.py (Core statements, no ORM: the start-up
path); its names are re-exported here for the callers that know them from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.domain import VISIT_TRANSITIONS, VisitStatus, VisitType
from fieldvisit.core.errors import BadInput, NotFound, RuleViolation
from fieldvisit.core.ids import new_id
from fieldvisit.forms import FormDefinition, FormKind
from fieldvisit.forms.bindings import VISIT_SUMMARY
from fieldvisit.services.account import check_contact_linkable
from fieldvisit.services.context import Services
from fieldvisit.services.listing import VisitFilter as VisitFilter
from fieldvisit.services.listing import VisitPage as VisitPage
from fieldvisit.services.listing import VisitSummary as VisitSummary
from fieldvisit.services.listing import count_visits as count_visits
from fieldvisit.services.listing import first_visits as first_visits
from fieldvisit.services.listing import list_visits as list_visits
from fieldvisit.services.progress import (
    StoredProgress,
    bound_fields,
    read_stored_progress,
    visit_bound,
)
from fieldvisit.services.records import get_live, upsert_by_key
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import (
    Contact,
    Recommendation,
    Visit,
    VisitParticipant,
    natural_id,
)

DEFAULT_CHECKLIST = "visite-centre-bourg"
DEFAULT_DIAGNOSTIC = "diagnostic-securite"


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
    participant_ids: Sequence[str] = (),
) -> Visit:
    """Plan a visit of a commune; a follow-up carries over the open recommendations.

    `visit_id` is for records whose id is decided elsewhere (demo data); normally a new
    UUIDv7 is made. `participant_ids` are linked in the same transaction: a contact the
    server would refuse leaves no visit behind.
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
        for contact_id in dict.fromkeys(participant_ids):
            _link_participant(svc, session, visit.id, contact_id)
    return visit


def plan_follow_up(
    svc: Services,
    visit_id: str,
    visit_date: date,
    author: str = "",
    participant_ids: Sequence[str] | None = None,
) -> Visit:
    """A follow-up visit of the same commune, keeping the forms of the previous one.

    The author and the participants are the previous visit's unless given (the
    « Visite de suivi » dialog shows them to be corrected before the visit is made).
    """
    with svc.store.reading() as session:
        previous = get_live(session, Visit, visit_id)
        carried = _participants_of(session, visit_id)
    people = carried if participant_ids is None else participant_ids
    return plan_visit(
        svc,
        previous.commune_code,
        visit_date,
        VisitType.SUIVI,
        author=author or previous.author,
        checklist_form=previous.checklist_form_id,
        diagnostic_form=previous.diagnostic_form_id,
        previous_visit_id=previous.id,
        participant_ids=people,
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
            # What the contract says of it goes on with it (revision 0015).
            dispositifs=old.dispositifs,
            porteur_contact_id=old.porteur_contact_id,
            description=old.description or "",
            estimated_cost=old.estimated_cost,
            funding=old.funding,
            success_indicator=old.success_indicator or "",
            review_date=old.review_date,
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


def missing_required_items(svc: Services, visit_id: str) -> list[str]:
    """Labels "Form › Section › Item" of the required visible items still unanswered
    (the one progress function, forms/progress.py, over what is stored)."""
    with svc.store.reading() as session:
        visit = get_live(session, Visit, visit_id)
        forms = visit_forms(svc, visit, strict=True).all
        shapes = [form.shape for form in forms]
        fields = bound_fields(shapes) - {VISIT_SUMMARY}  # the visit's own, read above
        stored = read_stored_progress(session.connection(), [visit_id], fields).get(visit_id)
    stored = stored or StoredProgress()
    stored.bound.update(visit_bound(visit.visit_date, visit.summary))
    progress = stored.progress(shapes)
    missing = []
    for form in forms:
        form_progress = progress.form(form.id)
        missing_ids = set(form_progress.missing_required) if form_progress else set()
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
        return _link_participant(svc, session, visit_id, contact_id)


def _link_participant(
    svc: Services, session: Session, visit_id: str, contact_id: str
) -> VisitParticipant:
    contact = get_live(session, Contact, contact_id)
    check_contact_linkable(session, contact.server_version, contact.commune_code)
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
        return _participants_of(session, visit_id)


def _participants_of(session: Session, visit_id: str) -> list[str]:
    return list(
        session.scalars(
            select(VisitParticipant.contact_id).where(
                VisitParticipant.visit_id == visit_id, VisitParticipant.deleted_at.is_(None)
            )
        )
    )
