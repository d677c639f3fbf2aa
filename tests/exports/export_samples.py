"""Visits in two communes, with confidential answers that are distinctive strings (the
`sample` fixture of conftest.py; the constants are imported by the tests from here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fieldvisit.core.domain import ContactRole, Dispositif, Horizon, Porteur
from fieldvisit.services import actions, answers, contacts, diagnostic, interviews, visits

# Withheld from every export without --internal (confidential items, guide notes).
SECRETS = {
    "checklist": "SECRETDEALXLS7 square du Foirail",
    "checklist_comment": "SECRETCOMMENTXLS2",
    "interview": "SECRETENQUETEXLS9 individus connus",
    "notes": "SECRETNOTESXLS8 remarque du commandant",
}
PUBLIC_ACTION = "Relancer la participation citoyenne avec trois référents"
PUBLIC_ANSWER = "Renforcer l’éclairage près de la gare – priorité"


@dataclass(frozen=True)
class Sample:
    started: str  # Saint-Flour (15187), en cours, answered
    planned: str  # Lodève (34142), planifiée, two participants
    other_planned: str  # Saint-Flour again, planifiée later


def make_sample(services) -> Sample:  # type: ignore[no-untyped-def]
    svc = services
    visit = visits.plan_visit(svc, "15187", date(2026, 3, 12), author="Élodie Crançon (ANCT)")
    vid = visit.id
    commander = contacts.add_contact(
        svc, "Adjudant-chef Marc Delpuech", ContactRole.COMMANDANT_BRIGADE, "Brigade"
    )
    mayor = contacts.add_contact(svc, "Mme Hélène Vidal", ContactRole.MAIRE, "Mairie")
    visits.add_participant(svc, vid, mayor.id)
    visits.start_visit(svc, vid)
    checklist = visit.checklist_form_id or ""
    answers.answer_item(svc, vid, checklist, "eclairage_qualite", 2, comment="Éclairage faible")
    answers.answer_item(svc, vid, checklist, "rassemblements_constates", "oui")
    answers.answer_item(svc, vid, checklist, "nuisances", ["stupefiants", "rodeos"])
    answers.answer_item(
        svc,
        vid,
        checklist,
        "stupefiants_indices",
        SECRETS["checklist"],
        comment=SECRETS["checklist_comment"],
    )
    diag = visit.diagnostic_form_id or ""
    answers.answer_item(svc, vid, diag, "pm_presente", "oui")
    answers.answer_item(svc, vid, diag, "nb_agents_pm", 4)
    diagnostic.rate_theme(svc, vid, "cambriolages", 4, "Séries l’hiver – résidences secondaires")
    diagnostic.rate_theme(svc, vid, "rodeos", 3, "Rodéos fréquents près de la gare routière")
    gendarmes = interviews.record_interview(
        svc,
        vid,
        "entretien-gendarmerie",
        title="Entretien avec la brigade",
        held_on=date(2026, 3, 12),
        interviewee_ids=[commander.id],
        notes=SECRETS["notes"],
    )
    interviews.answer_interview_item(svc, gendarmes.id, "enquetes_en_cours", SECRETS["interview"])
    interviews.answer_interview_item(svc, gendarmes.id, "recommandations", PUBLIC_ANSWER)
    actions.add_recommendation(
        svc,
        vid,
        PUBLIC_ACTION,
        theme_id="rodeos",
        priority=1,
        horizon=Horizon.COURT,
        porteur=Porteur.COMMUNE,
        dispositif=Dispositif.PARTICIPATION_CITOYENNE,
        due_date=date(2026, 6, 30),
    )
    planned = visits.plan_visit(svc, "34142", date(2026, 12, 17), author="Claire Martin (ANCT)")
    visits.add_participant(svc, planned.id, mayor.id)
    visits.add_participant(svc, planned.id, commander.id)
    later = visits.plan_visit(svc, "15187", date(2027, 1, 20))
    return Sample(vid, planned.id, later.id)
