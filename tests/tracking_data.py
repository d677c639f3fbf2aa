"""Several communes in two territories, and one visit of a third département that the
account does not work in: the data of the Suivi des actions and dashboard tests.

Account « agent-cantal-hl », agent of the départements 15 and 43 (as a login leaves it
in `sync_state`). Today is 1 June 2026.

- Saint-Flour (15187, PVD): a first visit in January (diagnostic: cambriolages 4,
  dégradations 3, violences intrafamiliales 1, stupéfiants non évalué) with three actions, and its
  follow-up in April that carried the two open ones over (the copies are the current
  actions: one late, one à revoir); a visit planned on 15 June
  (planned as a first visit: it carries nothing over).
- Aurillac (15014): one visit in March, diagnostic (cambriolages 2), two actions, one
  done, one due in 2030.
- Le Puy-en-Velay (43157): one visit in May, one late action of the gendarmerie with
  the dispositif OTV.
- Brioude (43040, PVD): never visited.
- Clermont-Ferrand (63113): a visit with an action « HORS TERRITOIRE »: not the
  account's (another account's), never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fieldvisit.core.domain import ActionStatus, Dispositif, Porteur, VisitType
from fieldvisit.opendata.importer import import_file
from fieldvisit.services import Services, actions, diagnostic, visits
from fieldvisit.store.sync_models import STATE_ROW, SyncState

TODAY = date(2026, 6, 1)
OUTSIDE_TEXT = "HORS TERRITOIRE : action d'un autre compte"


@dataclass(frozen=True)
class Territory:
    saint_flour_first: str
    saint_flour_follow_up: str
    saint_flour_planned: str
    aurillac: str
    le_puy: str
    outside: str
    late_copy: str  # Saint-Flour's late action (its follow-up copy)
    review_copy: str  # Saint-Flour's carried-over unstarted action (à revoir)
    le_puy_late: str
    aurillac_open: str


def log_in_as_agent(svc: Services, territories: str = "15,43") -> None:
    with svc.store.transaction() as session:
        state = session.get(SyncState, STATE_ROW) or SyncState(id=STATE_ROW)
        state.username = "agent-cantal-hl"
        state.role = "agent"
        state.territories = territories
        session.merge(state)


def import_pvd(svc: Services, tmp_path: Path) -> None:
    path = tmp_path / "pvd.csv"
    path.write_text(
        "insee_com,lib_com,date_signature\n"
        "15187,Saint-Flour,2021-03-15\n"
        "43040,Brioude,2021-04-02\n"
        "63113,Clermont-Ferrand,2021-05-01\n",
        encoding="utf-8",
    )
    import_file(svc.public_data, path, now=svc.clock())


def build_territory(svc: Services, tmp_path: Path) -> Territory:
    first = visits.plan_visit(svc, "15187", date(2026, 1, 20), author="Claire Martin").id
    visits.start_visit(svc, first)
    for theme, level in (
        ("cambriolages", 4),
        ("degradations", 3),
        ("violences_intrafamiliales", 1),
        ("stupefiants", None),
    ):
        diagnostic.rate_theme(svc, first, theme, level)
    actions.add_recommendation(
        svc,
        first,
        "Installer la vidéoprotection place d'Armes",
        theme_id="degradations",
        priority=1,
        porteur=Porteur.COMMUNE,
        dispositif=Dispositif.VIDEOPROTECTION,
        due_date=date(2026, 5, 1),
    )
    actions.add_recommendation(svc, first, "Réunion publique participation citoyenne", priority=2)
    done = actions.add_recommendation(svc, first, "Diagnostic éclairage", priority=3)
    actions.update_recommendation(svc, done.id, status=ActionStatus.REALISEE)
    follow_up = visits.plan_visit(
        svc, "15187", date(2026, 4, 10), visit_type=VisitType.SUIVI, author="Claire Martin"
    ).id
    copies = {r.text: r.id for r in actions.list_recommendations(svc, follow_up)}
    # Planned as a first visit: it carries nothing over (the April copies stay current).
    planned = visits.plan_visit(svc, "15187", date(2026, 6, 15)).id

    aurillac = visits.plan_visit(svc, "15014", date(2026, 3, 5), author="Paul Roux").id
    diagnostic.rate_theme(svc, aurillac, "cambriolages", 2)
    a_done = actions.add_recommendation(svc, aurillac, "Convention de coordination PM")
    actions.update_recommendation(svc, a_done.id, status=ActionStatus.REALISEE)
    a_open = actions.add_recommendation(
        svc,
        aurillac,
        "Étendre l'OTV aux commerces",
        porteur=Porteur.GENDARMERIE,
        dispositif=Dispositif.OTV,
        due_date=date(2030, 1, 31),
        status=ActionStatus.EN_COURS,
    ).id

    le_puy = visits.plan_visit(svc, "43157", date(2026, 5, 4), author="Paul Roux").id
    late = actions.add_recommendation(
        svc,
        le_puy,
        "Patrouilles au marché du samedi",
        porteur=Porteur.GENDARMERIE,
        dispositif=Dispositif.OTV,
        due_date=date(2026, 5, 20),
    ).id

    outside = visits.plan_visit(svc, "63113", date(2026, 5, 10)).id
    diagnostic.rate_theme(svc, outside, "cambriolages", 4)
    actions.add_recommendation(svc, outside, OUTSIDE_TEXT, due_date=date(2026, 1, 1))

    log_in_as_agent(svc)
    import_pvd(svc, tmp_path)
    return Territory(
        saint_flour_first=first,
        saint_flour_follow_up=follow_up,
        saint_flour_planned=planned,
        aurillac=aurillac,
        le_puy=le_puy,
        outside=outside,
        late_copy=copies["Installer la vidéoprotection place d'Armes"],
        review_copy=copies["Réunion publique participation citoyenne"],
        le_puy_late=late,
        aurillac_open=a_open,
    )
