"""The local security diagnostic: one level of concern per theme, with observations."""

from __future__ import annotations

from sqlalchemy import select

from fieldvisit.core.domain import CONCERN_LABELS
from fieldvisit.core.errors import BadInput
from fieldvisit.services.context import Services
from fieldvisit.services.records import UNSET, get_live, upsert_by_key
from fieldvisit.services.visit_forms import pinned_keys
from fieldvisit.store.models import ThemeRating, Visit, natural_id


def rate_theme(
    svc: Services,
    visit_id: str,
    theme_id: str,
    level: int | None = UNSET,
    observations: str | None = None,
) -> ThemeRating:
    """Set a theme's level of concern (1–4, None = non évalué) and/or observations."""
    if level is not UNSET and level not in CONCERN_LABELS:
        raise BadInput(
            f"Niveau de préoccupation « {level} » invalide : 1 à 4, ou vide pour « non évalué »."
        )
    with svc.store.transaction() as session:
        visit = get_live(session, Visit, visit_id)
        pinned = pinned_keys(visit).diagnostic
        if pinned is None:
            raise BadInput("Cette visite n'a pas de grille de diagnostic.")
        form = svc.forms.get(*pinned)
        if theme_id not in {theme.id for theme in form.iter_themes()}:
            raise BadInput(f"Thème « {theme_id} » inconnu dans « {form.title} ».")
        rating = upsert_by_key(
            svc,
            session,
            ThemeRating,
            natural_id("rating", visit_id, theme_id),
            visit_id=visit_id,
            theme_id=theme_id,
            observations="",
        )
        if level is not UNSET:
            rating.level = level
        if observations is not None:
            rating.observations = observations
    return rating


def theme_ratings(svc: Services, visit_id: str) -> dict[str, ThemeRating]:
    with svc.store.reading() as session:
        rows = session.scalars(
            select(ThemeRating).where(
                ThemeRating.visit_id == visit_id, ThemeRating.deleted_at.is_(None)
            )
        )
        return {row.theme_id: row for row in rows}
