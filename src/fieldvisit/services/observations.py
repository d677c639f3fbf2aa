"""The walk's observations (« Points d'attention »): add, edit, delete, photos, the
action of the plan they lead to, and their pin on the visit's plan.

An observation is a record of its own (store/models.py: Observation): its links — the
photos that show it, the action it led to — stay inside its visit (the server refuses
a push that crosses visits, sync/wire.py: SAME_VISIT_LINKS; these services refuse the
same with a French message).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.domain import ObservationCategory, ObservationSeverity
from fieldvisit.core.errors import BadInput
from fieldvisit.core.pins import Pin, parse_pin, pin_problem
from fieldvisit.services import actions
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.models import Attachment, Observation, Recommendation, Visit

#: the longest place (address or landmark) kept, as the wire says
PLACE_CHARS = 300
EDITABLE = frozenset({"category", "severity", "place", "comment", "pin"})


def _checked(name: str, value: Any) -> Any:
    if name == "category":
        try:
            return ObservationCategory.parse(str(value)).value
        except ValueError as err:
            raise BadInput(f"Observation, catégorie : {err}") from err
    if name == "severity":
        try:
            return ObservationSeverity.parse(str(value)).value
        except ValueError as err:
            raise BadInput(f"Observation, gravité : {err}") from err
    if name == "place":
        place = " ".join(str(value or "").split())
        if len(place) > PLACE_CHARS:
            raise BadInput(f"Le lieu de l'observation dépasse {PLACE_CHARS} caractères.")
        return place
    if name == "comment":
        return str(value or "")
    if name == "pin":
        if isinstance(value, Pin):
            return value.as_json()
        if value is not None and (problem := pin_problem(value)):
            raise BadInput(f"Position sur le plan refusée : {problem}.")
        return value
    raise BadInput(f"Observation : champ inconnu « {name} ».")


def add_observation(
    svc: Services,
    visit_id: str,
    category: ObservationCategory | str,
    severity: ObservationSeverity | str = ObservationSeverity.MOYENNE,
    place: str = "",
    comment: str = "",
    photo_ids: Iterable[str] = (),
) -> Observation:
    """A new observation of the visit, with the visit's photos that show it."""
    values = {
        name: _checked(name, value)
        for name, value in (
            ("category", category),
            ("severity", severity),
            ("place", place),
            ("comment", comment),
        )
    }
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        observation = Observation(visit_id=visit_id, **values)
        svc.stamp(observation, new=True)
        session.add(observation)
        session.flush()
        _link_photos(svc, session, observation, photo_ids)
    return observation


def update_observation(svc: Services, observation_id: str, **changes: Any) -> Observation:
    """Change some of its fields (category, severity, place, comment, pin)."""
    checked = {name: _checked(name, value) for name, value in changes.items()}
    with svc.store.transaction() as session:
        observation = get_live(session, Observation, observation_id)
        for name, value in checked.items():
            setattr(observation, name, value)
        svc.stamp(observation)
    return observation


def pin_observation(svc: Services, observation_id: str, pin: Pin | None) -> Observation:
    """Pin it on the visit's plan (fractions of the plan's size), or unpin it."""
    return update_observation(svc, observation_id, pin=pin)


def delete_observation(svc: Services, observation_id: str) -> str:
    """Tombstone it (its photos stay, unlinked in the report); the deletion's id."""
    from fieldvisit.services.deletion import soft_delete

    return soft_delete(svc, "observation", observation_id)


def link_photos(svc: Services, observation_id: str, photo_ids: Iterable[str]) -> None:
    """Photos of the same visit now show this observation."""
    with svc.store.transaction() as session:
        observation = get_live(session, Observation, observation_id)
        _link_photos(svc, session, observation, photo_ids)


def unlink_photo(svc: Services, attachment_id: str) -> None:
    with svc.store.transaction() as session:
        photo = get_live(session, Attachment, attachment_id)
        if photo.observation_id is not None:
            photo.observation_id = None
            svc.stamp(photo)


def _link_photos(
    svc: Services, session: Session, observation: Observation, photo_ids: Iterable[str]
) -> None:
    for photo_id in photo_ids:
        photo = get_live(session, Attachment, photo_id)
        if photo.visit_id != observation.visit_id:
            raise BadInput(f"La photo « {photo.filename} » appartient à une autre visite.")
        if not photo.media_type.startswith("image/") or photo.role is not None:
            raise BadInput(f"« {photo.filename} » n'est pas une photo de la visite.")
        if photo.observation_id != observation.id:
            photo.observation_id = observation.id
            svc.stamp(photo)


def link_action(svc: Services, observation_id: str, action_id: str | None) -> Observation:
    """The action of the visit's plan this observation led to (None: no longer)."""
    with svc.store.transaction() as session:
        observation = get_live(session, Observation, observation_id)
        if action_id is not None:
            action = get_live(session, Recommendation, action_id)
            if action.visit_id != observation.visit_id:
                raise BadInput("Cette action appartient au plan d'une autre visite.")
        observation.action_id = action_id
        svc.stamp(observation)
    return observation


def create_action(svc: Services, observation_id: str, text: str | None = None) -> Recommendation:
    """« Créer une action »: a new action of the visit's plan, linked to the observation
    (its text, unless given: the observation's category, place and comment)."""
    with svc.store.transaction() as session:
        observation = get_live(session, Observation, observation_id)
        proposed = text if text is not None else action_text(observation)
        action = actions.add_recommendation(svc, observation.visit_id, proposed)
        session.flush()
        observation.action_id = action.id
        svc.stamp(observation)
    return action


def action_text(observation: Observation) -> str:
    """« Éclairage — rue du Marché : lampadaire hors service »."""
    kind = ObservationCategory(observation.category).label
    head = f"{kind} — {observation.place}" if observation.place else kind
    first = observation.comment.strip().splitlines()[0] if observation.comment.strip() else ""
    return f"{head} : {first}" if first else head


def list_observations(svc: Services, visit_id: str) -> list[Observation]:
    """The visit's live observations in the order they were made (ids are UUIDv7)."""
    with svc.store.reading() as session:
        return list(
            session.scalars(
                select(Observation)
                .where(Observation.visit_id == visit_id, Observation.deleted_at.is_(None))
                .order_by(Observation.created_at, Observation.id)
            )
        )


__all__ = [
    "EDITABLE",
    "Pin",
    "action_text",
    "add_observation",
    "create_action",
    "delete_observation",
    "link_action",
    "link_photos",
    "list_observations",
    "parse_pin",
    "pin_observation",
    "unlink_photo",
    "update_observation",
]
