"""A visit whose confidential answers are distinctive strings, and PDF reading helpers."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from completing import complete
from fieldvisit.core.domain import ActionStatus, ContactRole, Dispositif, Horizon, Porteur
from fieldvisit.services import (
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    interviews,
    notes,
    visits,
)

ACCENTS = "é è ê à ç œ Œ « » € ’ – …"
SUMMARY = (
    "Cœur de bourg très fréquenté ; l’éclairage coûte 15 000 € par an – "
    "« Œuvre commune » à préserver… Ça va où êtes-vous ? " + ACCENTS
)
# Confidential answers, comments, notes and captions: none may reach the shareable PDF.
SECRETS = {
    "checklist_answer": "SECRETDEALQX7 square du Foirail",
    "checklist_comment": "SECRETCOMMENTK2P",
    "gendarmerie_enquetes": "SECRETENQUETEZW9 individus connus",
    "gendarmerie_cambriolages": "SECRETCAMBRIOR5T mode opératoire",
    "gendarmerie_sensibles": "SECRETSENSIBLEV1",
    "gendarmerie_notes": "SECRETNOTESB8 remarque du commandant",
    "elu_details": "SECRETELUSM3 menaces",
    "quick_note": "SECRETQUICKNOTEN4",
    "photo_caption": "SECRETPHOTOH6",
}
PUBLIC = {
    "recommandation": "Renforcer l’éclairage près de la gare – priorité",
    "observation": "Rodéos fréquents près de la gare routière",
    "photo_caption": "Façade de l’église – côté nord",
    "action": "Relancer la participation citoyenne avec trois référents",
}


@dataclass(frozen=True)
class SecretVisit:
    visit_id: str
    commune: str


def jpeg_bytes(size: tuple[int, int], orientation: int | None = None) -> bytes:
    """A small JPEG, optionally with an EXIF orientation tag (6 = rotate 90° clockwise)."""
    image = Image.new("RGB", size, (200, 60, 40))
    image.paste((30, 90, 200), (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, format="JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def make_secret_visit(svc, tmp_path: Path) -> SecretVisit:  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(
        svc, "15187", date(2026, 3, 12), author="Élodie Crançon (ANCT); Jérôme Lœuillet"
    )
    vid = visit.id
    mayor = contacts.add_contact(svc, "Mme Hélène Vidal", ContactRole.MAIRE, "Mairie")
    commander = contacts.add_contact(
        svc, "Adjudant-chef Marc Delpuech", ContactRole.COMMANDANT_BRIGADE, "Brigade"
    )
    visits.add_participant(svc, vid, mayor.id)
    visits.add_participant(svc, vid, commander.id)
    visits.start_visit(svc, vid)
    visits.update_visit(svc, vid, summary=SUMMARY)

    checklist = visit.checklist_form_id or ""
    answers.answer_item(svc, vid, checklist, "moment_visite", ["matin", "soiree"])
    answers.answer_item(svc, vid, checklist, "eclairage_zones_sombres", "non")
    answers.answer_item(svc, vid, checklist, "eclairage_qualite", 2, comment="Éclairage « faible »")
    answers.answer_item(svc, vid, checklist, "rassemblements_constates", "oui")
    answers.answer_item(svc, vid, checklist, "nuisances", ["stupefiants", "rodeos"])
    answers.answer_item(
        svc,
        vid,
        checklist,
        "stupefiants_indices",
        SECRETS["checklist_answer"],
        comment=SECRETS["checklist_comment"],
    )

    diag = visit.diagnostic_form_id or ""
    answers.answer_item(svc, vid, diag, "pm_presente", "oui")
    answers.answer_item(svc, vid, diag, "nb_agents_pm", 4)
    diagnostic.rate_theme(svc, vid, "cambriolages", 4, "Séries l’hiver – résidences secondaires")
    diagnostic.rate_theme(svc, vid, "rodeos", 3, PUBLIC["observation"])
    diagnostic.rate_theme(svc, vid, "incivilites", 1)
    diagnostic.rate_theme(svc, vid, "videoprotection", None, "À étudier")

    gendarmes = interviews.record_interview(
        svc,
        vid,
        "entretien-gendarmerie",
        title="Entretien avec la brigade",
        interviewee_ids=[commander.id],
        notes=SECRETS["gendarmerie_notes"],
    )
    for item_id, value in (
        ("enquetes_en_cours", SECRETS["gendarmerie_enquetes"]),
        ("cambriolages_serie", "oui"),
        ("cambriolages_details", SECRETS["gendarmerie_cambriolages"]),
        ("informations_sensibles", SECRETS["gendarmerie_sensibles"]),
        ("recommandations", PUBLIC["recommandation"]),
        ("tendance_generale", "hausse"),
    ):
        interviews.answer_interview_item(svc, gendarmes.id, item_id, value)
    elected = interviews.record_interview(
        svc, vid, "entretien-elu", title="Entretien avec le maire", interviewee_ids=[mayor.id]
    )
    interviews.answer_interview_item(svc, elected.id, "atteintes_elus", "oui")
    interviews.answer_interview_item(
        svc, elected.id, "atteintes_elus_details", SECRETS["elu_details"]
    )

    actions.add_recommendation(
        svc,
        vid,
        PUBLIC["action"],
        theme_id="rodeos",
        priority=1,
        horizon=Horizon.COURT,
        porteur=Porteur.COMMUNE,
        dispositif=Dispositif.PARTICIPATION_CITOYENNE,
        due_date=date(2026, 6, 30),
    )
    actions.add_recommendation(
        svc,
        vid,
        "Étudier la vidéoprotection des entrées de ville",
        priority=2,
        porteur=Porteur.GENDARMERIE,
        dispositif=Dispositif.VIDEOPROTECTION,
        status=ActionStatus.REALISEE,
    )
    notes.add_quick_note(svc, vid, SECRETS["quick_note"])

    upright = tmp_path / "eglise.jpg"
    upright.write_bytes(jpeg_bytes((400, 200), orientation=6))
    attachments.attach_file(svc, vid, upright, caption=PUBLIC["photo_caption"])
    secret_photo = tmp_path / "secret.jpg"
    secret_photo.write_bytes(jpeg_bytes((300, 200)))
    attachments.attach_file(
        svc,
        vid,
        secret_photo,
        caption=SECRETS["photo_caption"],
        form_id=checklist,
        item_id="stupefiants_indices",
    )
    return SecretVisit(vid, visit.commune_name)


@pytest.fixture
def secret_visit(services, tmp_path: Path) -> SecretVisit:  # type: ignore[no-untyped-def]
    return make_secret_visit(services, tmp_path)


def normalised(value: str) -> str:
    """Whitespace as single spaces (PDF line breaks, no-break spaces)."""
    return re.sub(r"\s+", " ", value.replace("\u00a0", " ")).strip()


def pdf_text(source: Path | bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
    return normalised(" ".join(page.extract_text() or "" for page in reader.pages))


def page_texts(source: Path) -> list[str]:
    from pypdf import PdfReader

    return [normalised(page.extract_text() or "") for page in PdfReader(source).pages]


@pytest.fixture
def kit() -> SimpleNamespace:
    """The test data and helpers of this folder (conftest modules are not importable)."""
    return SimpleNamespace(
        ACCENTS=ACCENTS,
        SUMMARY=SUMMARY,
        SECRETS=SECRETS,
        PUBLIC=PUBLIC,
        jpeg_bytes=jpeg_bytes,
        make_secret_visit=make_secret_visit,
        complete=complete,
        normalised=normalised,
        pdf_text=pdf_text,
        page_texts=page_texts,
    )
