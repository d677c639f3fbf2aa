"""The report model, built from services, checked with plain asserts (no reportlab)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from fieldvisit.core.domain import Porteur
from fieldvisit.forms import FormItem, ItemType
from fieldvisit.report.model import (
    MARKING_INTERNAL,
    ItemResult,
    VisitReport,
    build_report,
    report_filename,
)
from fieldvisit.report.text import answer_text, french_number, long_date, slug
from fieldvisit.services import actions, visits


def _item(report: VisitReport, item_id: str) -> ItemResult | None:
    sections = [*report.checklist, *(s for i in report.interviews for s in i.sections)]
    items = [item for section in sections for item in section.items]
    if report.diagnostic is not None:
        items += [item for part in report.diagnostic.parts for item in part.items]
    return next((item for item in items if item.item_id == item_id), None)


def test_the_model_is_built_without_importing_reportlab() -> None:
    code = (
        "import sys, fieldvisit.report.model, fieldvisit.report.commands, "
        "fieldvisit.report.files, fieldvisit.report.issued;"
        "sys.exit(any(m.startswith('reportlab') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_internal_report_holds_everything(services, secret_visit, kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id, shareable=False)

    assert (report.commune_name, report.commune_code, report.departement) == (
        "Saint-Flour",
        "15187",
        "15",
    )
    assert report.departement_name == "Cantal"
    assert report.epci and report.population and report.population > 5000
    assert report.authors == ("Élodie Crançon (ANCT)", "Jérôme Lœuillet")
    assert {(p.name, p.role) for p in report.participants} == {
        ("Mme Hélène Vidal", "Maire"),
        ("Adjudant-chef Marc Delpuech", "Commandant de brigade"),
    }
    assert report.marking == MARKING_INTERNAL
    assert report.summary == kit.SUMMARY
    dump = repr(report)
    for secret in kit.SECRETS.values():
        assert secret in dump, secret
    secret_item = _item(report, "stupefiants_indices")
    assert secret_item is not None and secret_item.confidential
    assert secret_item.comment == kit.SECRETS["checklist_comment"]
    assert [i.title for i in report.interviews] == [
        "Entretien avec la brigade",
        "Entretien avec le maire",
    ]
    assert report.interviews[0].notes == kit.SECRETS["gendarmerie_notes"]
    assert report.field_notes and kit.SECRETS["quick_note"] in report.field_notes[0]
    assert report.confidential_left_out == 0


def test_shareable_report_leaves_out_every_confidential_text(services, secret_visit, kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id, shareable=True)
    dump = repr(report)
    for name, secret in kit.SECRETS.items():
        assert secret not in dump, name
    withheld_labels = {
        item.label for form in services.forms for item in form.iter_items() if item.withheld
    }
    assert "Une plainte a-t-elle été déposée ?" in withheld_labels  # not for sharing
    for label in withheld_labels:
        assert label not in dump, label
    assert report.marking == ""
    assert report.field_notes == ()
    assert all(i.notes == "" for i in report.interviews)
    assert report.interviews[0].notes_withheld
    assert report.confidential_left_out >= 5
    # What is not confidential stays.
    assert kit.PUBLIC["recommandation"] in dump
    assert [p.caption for p in report.photos] == [kit.PUBLIC["photo_caption"]]


def test_only_visible_answered_items_are_listed_and_the_others_counted(
    services, secret_visit
) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id)
    # eclairage_zones_sombres == 'non' hides the "where" question.
    assert _item(report, "eclairage_zones_sombres_lieux") is None
    # pm_presente == 'oui' shows the convention question (v3: with any municipal police):
    # unanswered, it is counted in its part, not listed.
    assert _item(report, "convention_coordination") is None
    assert report.diagnostic is not None
    part = {p.section_id: p for p in report.diagnostic.parts}["adequation_reponses"]
    assert [i.item_id for i in part.items] == ["pm_presente", "nb_agents_pm"]
    assert part.unanswered >= 1  # convention_coordination at least
    assert all(item.answered for section in report.checklist for item in section.items)
    lighting = {s.section_id: s for s in report.checklist}["eclairage"]
    assert lighting.unanswered >= 1
    assert _item(report, "moment_visite").answer == "Matin ; Soirée / tombée de la nuit"  # type: ignore[union-attr]
    quality = _item(report, "eclairage_qualite")
    assert quality is not None and quality.answer == "2\u00a0/\u00a05"
    assert quality.comment == "Éclairage « faible »"
    assert _item(report, "nb_agents_pm").answer == "4\u00a0emplois"  # type: ignore[union-attr]


def test_key_figures_count_what_is_shown(services, secret_visit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id)
    figures = report.key_figures
    assert report.diagnostic is not None
    sections = [*report.checklist, *report.diagnostic.parts]
    shown = [item for section in sections for item in section.items]
    # The checklist v3's date, participants and synthesis are the visit's own fields
    # (forms/bindings.py): printed once, with the visit, and counted as progress counts them.
    bound = 3
    assert figures.items_visible == len(shown) + sum(s.unanswered for s in sections) + bound
    assert figures.items_answered == len(shown) + bound
    assert not {"date_visite", "participants_visite", "synthese_visite"} & {
        i.item_id for i in shown
    }
    assert 0 < figures.items_answered < figures.items_visible
    levels = dict(figures.concerns_by_level)
    assert levels["4 – Très préoccupant"] == 1
    assert levels["3 – Préoccupant"] == 1
    assert levels["1 – Faible"] == 1
    assert levels["Non évalué"] == figures.themes_total - 3
    assert figures.serious_concerns == 2
    assert (figures.actions_open, figures.actions_total) == (1, 2)
    assert (figures.interviews, figures.photos) == (2, 2)
    shareable = build_report(services, secret_visit.visit_id, shareable=True).key_figures
    assert shareable.items_visible == figures.items_visible - 1  # stupefiants_indices
    assert shareable.photos == 1


def test_diagnostic_keeps_the_three_parts_and_every_theme(services, secret_visit, kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id)
    assert report.diagnostic is not None
    assert [p.title for p in report.diagnostic.parts] == [
        "Constat de la délinquance",
        "Sentiment d'insécurité",
        "Adéquation des réponses",
    ]
    themes = {t.theme_id: t for t in report.diagnostic.themes}
    assert themes["cambriolages"].level == 4
    assert themes["rodeos"].observations == kit.PUBLIC["observation"]
    assert themes["videoprotection"].level_label == "Non évalué"
    assert themes["stupefiants"].level is None


def test_action_plan_rows_and_follow_up_carry_over(services, secret_visit, kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id)
    first, second = report.actions
    assert first.text == kit.PUBLIC["action"]
    assert (first.priority, first.porteur, first.theme) == (1, "Commune", "Rodéos motorisés")
    assert (first.due_date, first.is_open, first.origin) == (date(2026, 6, 30), True, "Nouvelle")
    assert (second.status, second.is_open) == ("Réalisée", False)

    follow_up = visits.plan_follow_up(services, secret_visit.visit_id, date(2026, 9, 1))
    actions.add_recommendation(services, follow_up.id, "Nouvelle action", porteur=Porteur.EPCI)
    again = build_report(services, follow_up.id)
    assert again.visit_type == "Visite de suivi"
    assert again.previous_visit_date == date(2026, 3, 12)
    assert [(a.text, a.origin) for a in again.actions] == [
        (kit.PUBLIC["action"], "Reprise"),
        ("Nouvelle action", "Nouvelle"),
    ]


def test_photos_are_listed_with_their_captions_and_items(services, secret_visit, kit) -> None:  # type: ignore[no-untyped-def]
    report = build_report(services, secret_visit.visit_id)
    assert [p.number for p in report.photos] == [1, 2]
    upright, secret = report.photos
    assert upright.caption == kit.PUBLIC["photo_caption"] and upright.linked_to == ""
    assert secret.linked_to.endswith("Indices de trafic de stupéfiants (lieux, fréquence)")
    assert all(p.source.is_file() for p in report.photos)


def test_unanswered_report_of_a_planned_visit(services) -> None:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(services, "52269", date(2026, 5, 4))
    report = build_report(services, visit.id, shareable=True)
    assert report.key_figures.items_answered == 1  # its date, set when it was planned
    assert report.actions == () and report.photos == () and report.interviews == ()
    assert all(not item.answered for s in report.checklist for item in s.items)
    assert report_filename(report) == "rapport-52269-langres-2026-05-04-partageable.pdf"


def test_french_formatting() -> None:
    assert long_date(date(2026, 3, 1)) == "1er mars 2026"
    assert long_date(date(2026, 8, 15)) == "15 août 2026"
    assert french_number(12500) == "12\u00a0500"
    assert french_number(2.5) == "2,5"
    assert slug("L'Isle-sur-la-Sorgue") == "l-isle-sur-la-sorgue"
    assert slug("Saint-Affrique") == "saint-affrique"
    item = FormItem(id="n", label="N", type=ItemType.number, unit="agents")
    assert answer_text(item, 3) == "3\u00a0agents"
    day = FormItem(id="d", label="D", type=ItemType.date)
    assert answer_text(day, "2026-03-12") == "12/03/2026"
    photo = FormItem(id="p", label="P", type=ItemType.photo)
    assert answer_text(photo, None, photo_count=2) == "2 photos (voir l'annexe)"
    assert answer_text(photo, None) == ""
