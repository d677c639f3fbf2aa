"""The action plan: recommendations with priority, horizon, porteur, dispositifs, status,
and what a contrat de sécurité needs (core/action_plan.py): the named porteur (a
contact), a description, the estimated cost and its funding, a success indicator and a
review date."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.action_plan import (
    CONTRACT_FIELDS,
    MAX_EUROS,
    NO_DISPOSITIF,
    FundingLine,
    dispositif_list,
    main_dispositif,
)
from fieldvisit.core.domain import ActionStatus, Dispositif, FundingSource, Horizon, Porteur
from fieldvisit.core.errors import BadInput
from fieldvisit.services.account import check_contact_linkable
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Contact, Recommendation, Visit

_CHOICES: dict[str, type[Any]] = {
    "horizon": Horizon,
    "porteur": Porteur,
    "dispositif": Dispositif,
    "status": ActionStatus,
}
_CONTRACT_FIELDS = set(CONTRACT_FIELDS)
_FIELDS = {"text", "theme_id", "priority", "due_date", *_CHOICES, *_CONTRACT_FIELDS}


def _dispositifs(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise BadInput("Dispositifs : une liste est attendue (par exemple vidéoprotection, fipd).")
    codes: list[str] = []
    for entry in value:
        try:
            code = Dispositif.parse(str(entry)).value
        except ValueError as err:
            raise BadInput(f"Recommandation, dispositif : {err}") from err
        if code != NO_DISPOSITIF and code not in codes:
            codes.append(code)
    return codes


def _euros(what: str, value: Any) -> int | None:
    """Whole euros from an int or a text (« 12 500 », « 12500 € »); None: no amount."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        cleaned = value.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        cleaned = cleaned.removesuffix("€").removesuffix(",00")
        if cleaned.isdigit():
            value = int(cleaned)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"{what} « {value} » invalide : un montant en euros entiers est attendu.")
    if not 0 <= value <= MAX_EUROS:
        raise BadInput(f"{what} « {value} » invalide : de 0 à {MAX_EUROS:,} €.".replace(",", " "))
    return value


def _funding(value: Any) -> list[FundingLine] | None:
    """Funding lines {source, amount}, one per source, in the order given."""
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise BadInput("Financements : une liste de lignes (financeur, montant) est attendue.")
    lines: list[FundingLine] = []
    for entry in value:
        if isinstance(entry, dict):
            source, amount = entry.get("source"), entry.get("amount")
        elif isinstance(entry, list | tuple) and len(entry) == 2:
            source, amount = entry
        else:
            raise BadInput(f"Ligne de financement « {entry} » invalide : (financeur, montant).")
        try:
            code = FundingSource.parse(str(source)).value
        except ValueError as err:
            raise BadInput(f"Financeur : {err}") from err
        euros = _euros(f"Montant du financement {FundingSource(code).label}", amount)
        if euros is None:
            raise BadInput(f"Financement {FundingSource(code).label} : indiquez un montant.")
        if any(line["source"] == code for line in lines):
            raise BadInput(
                f"Le financeur {FundingSource(code).label} figure deux fois : "
                "une ligne par financeur."
            )
        lines.append({"source": code, "amount": euros})
    return lines


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
    dated = field in ("due_date", "review_date")
    if dated and value is not None and not isinstance(value, date):
        what = "Échéance" if field == "due_date" else "Date de revue"
        raise BadInput(f"{what} « {value} » invalide : une date est attendue.")
    if field == "dispositifs":
        return _dispositifs(value)
    if field == "estimated_cost":
        return _euros("Coût estimé", value)
    if field == "funding":
        return _funding(value)
    if field in ("description", "success_indicator"):
        return "" if value is None else str(value)
    if field == "porteur_contact_id" and value == "":
        return None
    return value


def _with_dispositifs(checked: dict[str, Any]) -> dict[str, Any]:
    """Keep the single `dispositif` (older apps) and the list in step: given one, the
    other follows (the list wins when both are given)."""
    if "dispositifs" in checked:
        checked["dispositif"] = main_dispositif(checked["dispositifs"])
    elif "dispositif" in checked:
        single = str(checked["dispositif"])
        checked["dispositifs"] = [] if single == NO_DISPOSITIF else [single]
    return checked


def _check_porteur_contact(session: Session, contact_id: str | None) -> None:
    """The named porteur: a live contact this account may send with the visit (one of
    its territories, as a participant: the server checks the same)."""
    if contact_id is None:
        return
    contact = session.get(Contact, contact_id)
    if contact is None or contact.deleted_at is not None:
        raise BadInput(f"Porteur : contact « {contact_id} » introuvable.")
    check_contact_linkable(session, contact.server_version, contact.commune_code)


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
    **contract: Any,
) -> Recommendation:
    """A new action; `contract`: the fields of `_CONTRACT_FIELDS` (dispositifs, the
    porteur's contact, description, estimated cost, funding, indicator, review date)."""
    unknown = set(contract) - _CONTRACT_FIELDS
    if unknown:
        raise BadInput(f"Champ(s) inconnu(s) : {', '.join(sorted(unknown))}.")
    values = {
        "text": text,
        "theme_id": theme_id,
        "priority": priority,
        "horizon": horizon,
        "porteur": porteur,
        "dispositif": dispositif,
        "due_date": due_date,
        "status": status,
        **contract,
    }
    checked = _with_dispositifs({field: _checked(field, v) for field, v in values.items()})
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        _check_porteur_contact(session, checked.get("porteur_contact_id"))
        rec = Recommendation(visit_id=visit_id, **checked)
        svc.stamp(rec, new=True)
        session.add(rec)
    return rec


def update_recommendation(svc: Services, recommendation_id: str, **changes: Any) -> Recommendation:
    unknown = set(changes) - _FIELDS
    if unknown:
        raise BadInput(f"Champ(s) inconnu(s) : {', '.join(sorted(unknown))}.")
    checked = _with_dispositifs({field: _checked(field, v) for field, v in changes.items()})
    with svc.store.transaction() as session:
        rec = get_live(session, Recommendation, recommendation_id)
        if "porteur_contact_id" in checked and checked["porteur_contact_id"] != (
            rec.porteur_contact_id
        ):
            _check_porteur_contact(session, checked["porteur_contact_id"])
        for field, value in checked.items():
            setattr(rec, field, value)
        svc.stamp(rec)
    return rec


def recommendation_dispositifs(rec: Recommendation) -> list[str]:
    """The action's dispositifs (the single one of an older record)."""
    return dispositif_list(rec.dispositifs, rec.dispositif)


def list_recommendations(svc: Services, visit_id: str) -> list[Recommendation]:
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Recommendation)
                .where(Recommendation.visit_id == visit_id, Recommendation.deleted_at.is_(None))
                .order_by(Recommendation.priority, Recommendation.created_at)
            )
        )
