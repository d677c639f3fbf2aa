"""A commune visited twice, made through the services: the first visit's themes and
plan, then a follow-up that rated again and moved the carried-over actions on. Shared
by the screen, report and window tests of « what changed since the last visit »."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldvisit.core.domain import ActionStatus
from fieldvisit.services import Services, actions, diagnostic, visits

FIRST_DATE = date(2026, 3, 12)
FOLLOW_UP_DATE = date(2026, 11, 20)

# (text, priority, due date, status at the first visit, status set at the follow-up)
FIRST_PLAN = (
    ("Éclairer le parking de la halle", 1, date(2026, 6, 30), ActionStatus.A_ENGAGER, "realisee"),
    ("Signer le protocole de participation citoyenne", 2, date(2026, 9, 30), "en_cours", None),
    ("Étendre la vidéoprotection place du marché", 2, date(2099, 6, 30), "en_cours", None),
    ("Réunir le CLSPD", 3, None, ActionStatus.REALISEE, None),
    ("Étude sur les rodéos motorisés", 3, None, ActionStatus.ABANDONNEE, None),
)
# What each one says at the follow-up (the first two months past their échéance)
EXPECTED_STATES = {
    "Éclairer le parking de la halle": "Réalisée",
    "Signer le protocole de participation citoyenne": "En retard",
    "Étendre la vidéoprotection place du marché": "En cours",
    "Réunir le CLSPD": "Réalisée",
    "Étude sur les rodéos motorisés": "Abandonnée",
}
FIRST_LEVELS = {"cambriolages": 3, "rodeos": 2, "degradations": 4}
FOLLOW_UP_LEVELS = {"cambriolages": 2, "rodeos": 3}


@dataclass(frozen=True)
class TwoVisits:
    first_id: str
    follow_up_id: str


def visit_twice(svc: Services, commune: str = "15187", extra_actions: int = 0) -> TwoVisits:
    """The first visit (12/03/2026) and its follow-up (20/11/2026) of one commune."""
    first = visits.plan_visit(svc, commune, FIRST_DATE)
    for theme_id, level in FIRST_LEVELS.items():
        diagnostic.rate_theme(svc, first.id, theme_id, level)
    later_status: dict[str, str] = {}
    for text, priority, due, status, then in FIRST_PLAN:
        actions.add_recommendation(
            svc, first.id, text, priority=priority, due_date=due, status=status
        )
        if then:
            later_status[text] = then
    for n in range(extra_actions):
        actions.add_recommendation(svc, first.id, f"Action supplémentaire {n:02d}")
    follow_up = visits.plan_follow_up(svc, first.id, FOLLOW_UP_DATE)
    for theme_id, level in FOLLOW_UP_LEVELS.items():
        diagnostic.rate_theme(svc, follow_up.id, theme_id, level)
    for rec in actions.list_recommendations(svc, follow_up.id):
        if rec.text in later_status:
            actions.update_recommendation(svc, rec.id, status=later_status[rec.text])
    return TwoVisits(first.id, follow_up.id)
