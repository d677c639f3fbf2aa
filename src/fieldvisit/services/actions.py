"""The action plan: recommendations with priority, horizon, porteur, dispositif, status."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from fieldvisit.core.domain import ActionStatus, Dispositif, Horizon, Porteur
from fieldvisit.core.errors import BadInput
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Recommendation, Visit

_CHOICES: dict[str, type[Any]] = {
    "horizon": Horizon,
    "porteur": Porteur,
    "dispositif": Dispositif,
    "status": ActionStatus,
}
_FIELDS = {"text", "theme_id", "priority", "due_date", *_CHOICES}


def _checked(field: str, value: Any) -> Any:
    if field in _CHOICES and value is not None:
        try:
            return _CHOICES[field].parse(str(value))
        except ValueError as err:
            raise BadInput(f"Recommandation, champ « {field} » : {err}") from err
    if field == "priority" and value not in (1, 2, 3):
        raise BadInput(f"Priorité « {value} » invalide : 1 (haute), 2 ou 3.")
    if field == "text" and not str(value).strip():
        raise BadInput("Le texte de la recommandation est obligatoire.")
    if field == "due_date" and value is not None and not isinstance(value, date):
        raise BadInput(f"Échéance « {value} » invalide : une date est attendue.")
    return value


def add_recommendation(
    svc: Services,
    visit_id: str,
    text: str,
    theme_id: str | None = None,
    priority: int = 2,
    horizon: Horizon | str = Horizon.COURT,
    porteur: Porteur | str = Porteur.COMMUNE,
    dispositif: Dispositif | str = Dispositif.AUCUN,
    due_date: date | None = None,
    status: ActionStatus | str = ActionStatus.A_ENGAGER,
) -> Recommendation:
    values = {
        "text": text,
        "theme_id": theme_id,
        "priority": priority,
        "horizon": horizon,
        "porteur": porteur,
        "dispositif": dispositif,
        "due_date": due_date,
        "status": status,
    }
    checked = {field: _checked(field, value) for field, value in values.items()}
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        rec = Recommendation(visit_id=visit_id, **checked)
        svc.stamp(rec, new=True)
        session.add(rec)
    return rec


def update_recommendation(svc: Services, recommendation_id: str, **changes: Any) -> Recommendation:
    unknown = set(changes) - _FIELDS
    if unknown:
        raise BadInput(f"Champ(s) inconnu(s) : {', '.join(sorted(unknown))}.")
    checked = {field: _checked(field, value) for field, value in changes.items()}
    with svc.store.transaction() as session:
        rec = get_live(session, Recommendation, recommendation_id)
        for field, value in checked.items():
            setattr(rec, field, value)
        svc.stamp(rec)
    return rec


def list_recommendations(svc: Services, visit_id: str) -> list[Recommendation]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Recommendation)
                .where(Recommendation.visit_id == visit_id, Recommendation.deleted_at.is_(None))
                .order_by(Recommendation.priority, Recommendation.created_at)
            )
        )
