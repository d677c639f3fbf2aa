"""Realistic demo data: visits of PVD towns with answers, interviews, a diagnostic,
an action plan and a photo. Seeding twice adds nothing (demo records have fixed ids).

The towns are real Petites Villes de demain in gendarmerie zone; the situations
described are invented for demonstration.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from fieldvisit.core.domain import ActionStatus, ContactRole, Dispositif, Horizon, Porteur
from fieldvisit.forms import FormDefinition, FormItem, ItemType
from fieldvisit.services import (
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    interviews,
    visits,
)
from fieldvisit.services import notes as quick_notes
from fieldvisit.services.context import Services
from fieldvisit.store.models import Visit, natural_id


@dataclass(frozen=True)
class DemoTown:
    code: str
    mayor: str
    commander: str
    summary: str
    status: str  # how far the demo visit has gone
    days_ago: int


TOWNS = (
    DemoTown(
        "15187",
        "Mme Hélène Vidal",
        "Adjudant-chef Marc Delpuech",
        "Centre-bourg historique bien tenu ; inquiétudes sur les cambriolages de résidences "
        "secondaires hors saison et sur les rodéos motorisés près de la gare.",
        "rapport_emis",
        120,
    ),
    DemoTown(
        "52269",
        "M. Bernard Collin",
        "Lieutenant Sophie Marchal",
        "Commerces du centre fragilisés par la vacance ; éclairage coupé dès 23 h ; demande "
        "d'étude de vidéoprotection aux entrées de ville.",
        "terminee",
        60,
    ),
    DemoTown(
        "12208",
        "Mme Christine Bousquet",
        "Major Alain Fabre",
        "Rassemblements nocturnes place du Foirail, tags et dégradations sur le mobilier "
        "urbain ; participation citoyenne à relancer.",
        "terminee",
        45,
    ),
    DemoTown(
        "58079",
        "M. Pascal Lefebvre",
        "Adjudant Nadia Benali",
        "Violences intrafamiliales en hausse selon la brigade ; besoin de mieux orienter "
        "les victimes vers la Maison de protection des familles.",
        "en_cours",
        3,
    ),
    DemoTown(
        "34142",
        "Mme Sandrine Roux",
        "Capitaine Julien Arnaud",
        "Visite préparée avec la cheffe de projet PVD : diagnostic partagé à construire "
        "avant la signature d'un contrat de sécurité.",
        "planifiee",
        -10,
    ),
)

SHORT_TEXTS = (
    "Constat partagé avec l'adjoint à la sécurité.",
    "À vérifier de nuit lors d'une prochaine visite.",
    "Signalé par plusieurs commerçants.",
    "Point évoqué avec le référent sûreté.",
)
LONG_TEXTS = (
    "Le secteur est bien fréquenté en journée mais se vide après la fermeture des "
    "commerces. Les habitants rencontrés évoquent un sentiment d'insécurité le soir, "
    "surtout près des arrêts de car et du parking de la médiathèque.",
    "La commune a engagé des travaux de requalification dans le cadre de Petites Villes "
    "de demain : l'occasion d'intégrer la prévention situationnelle (éclairage, lignes "
    "de vue, mobilier urbain) dès la conception.",
)

RECOMMENDATIONS = (
    (
        "Relancer le dispositif de participation citoyenne : désigner trois citoyens "
        "référents par quartier et renouveler le protocole avec le préfet.",
        1,
        Horizon.COURT,
        Porteur.COMMUNE,
        Dispositif.PARTICIPATION_CITOYENNE,
        ActionStatus.EN_COURS,
        "partenariats",
    ),
    (
        "Demander au référent sûreté un diagnostic de vidéoprotection des entrées de ville "
        "et de la place du marché, puis déposer un dossier FIPD.",
        1,
        Horizon.MOYEN,
        Porteur.GENDARMERIE,
        Dispositif.VIDEOPROTECTION,
        ActionStatus.A_ENGAGER,
        "videoprotection",
    ),
    (
        "Promouvoir l'Opération tranquillité vacances auprès des commerçants et des "
        "propriétaires de résidences secondaires avant l'été.",
        2,
        Horizon.COURT,
        Porteur.GENDARMERIE,
        Dispositif.OTV,
        ActionStatus.A_ENGAGER,
        "cambriolages",
    ),
    (
        "Adapter les horaires d'extinction de l'éclairage public autour de la gare et des "
        "arrêts de car.",
        2,
        Horizon.COURT,
        Porteur.COMMUNE,
        Dispositif.AUCUN,
        ActionStatus.REALISEE,
        "eclairage_public",
    ),
    (
        "Installer un CISPD avec les communes de l'intercommunalité pour partager le suivi "
        "des incivilités et des rodéos.",
        3,
        Horizon.LONG,
        Porteur.EPCI,
        Dispositif.CLSPD,
        ActionStatus.A_ENGAGER,
        "rodeos",
    ),
)


def _value_for(item: FormItem, rng: random.Random, visit_date: date) -> object:
    kind = item.type
    if kind == ItemType.yes_no_na:
        return rng.choices(["oui", "non", "na"], weights=[5, 4, 1])[0]
    if kind == ItemType.single_choice:
        return rng.choice(item.choices).id
    if kind == ItemType.multi_choice:
        picked = rng.sample(list(item.choices), k=min(len(item.choices), rng.randint(1, 2)))
        return [c.id for c in item.choices if c in picked]
    if kind == ItemType.text:
        return rng.choice(SHORT_TEXTS)
    if kind == ItemType.long_text:
        return rng.choice(LONG_TEXTS)
    if kind == ItemType.number:
        low = int(item.min) if item.min is not None else 0
        high = int(item.max) if item.max is not None else max(low + 6, 6)
        return rng.randint(low, min(high, low + 8))
    if kind == ItemType.date:
        return (visit_date - timedelta(days=rng.randint(30, 400))).isoformat()
    if kind == ItemType.rating:
        return rng.randint(1, item.scale)
    return None  # photo items are answered by linking a photo


def _fill(form: FormDefinition, rng: random.Random, visit_date: date) -> dict[str, object]:
    """Plausible answers for every item visible once earlier answers are given."""
    given: dict[str, object] = {}
    for item in form.iter_items():
        if item.type == ItemType.photo or not form.is_visible(item, given):
            continue
        value = _value_for(item, rng, visit_date)
        if value is not None:
            given[item.id] = value
    return given


def demo_photo_bytes(seed: int) -> bytes:
    """A generated street-like picture (no real photo ships with the app)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1200), (150, 190, 225))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 800, 1600, 1200), fill=(95, 95, 100))
    x = 0
    while x < 1600:
        width = rng.randint(180, 320)
        height = rng.randint(350, 650)
        shade = rng.randint(170, 230)
        draw.rectangle((x, 800 - height, x + width, 800), fill=(shade, shade - 15, shade - 40))
        for wx in range(x + 25, x + width - 40, 70):
            for wy in range(800 - height + 40, 760, 110):
                draw.rectangle((wx, wy, wx + 35, wy + 60), fill=(60, 80, 110))
        x += width + rng.randint(0, 20)
    draw.rectangle((700, 430, 712, 800), fill=(40, 40, 40))
    draw.ellipse((680, 400, 732, 450), fill=(250, 230, 150))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def seed_demo(svc: Services, today: date | None = None) -> int:
    """Add the demo visits that are not there yet; return how many were added."""
    today = today or date.today()
    created = 0
    for index, town in enumerate(TOWNS):
        if _exists(svc, natural_id("demo-visit", town.code)):
            continue
        _seed_town(svc, town, index, today)
        created += 1
    return created


def _exists(svc: Services, visit_id: str) -> bool:
    with svc.store.reading() as session:
        return session.get(Visit, visit_id) is not None


def _seed_town(svc: Services, town: DemoTown, index: int, today: date) -> None:
    rng = random.Random(int(town.code.replace("A", "0").replace("B", "1")))
    visit_date = today - timedelta(days=town.days_ago)
    visit_id = natural_id("demo-visit", town.code)
    visit = visits.plan_visit(
        svc, town.code, visit_date, author="Claire Martin (ANCT)", visit_id=visit_id
    )
    mayor = contacts.add_contact(
        svc,
        town.mayor,
        ContactRole.MAIRE,
        f"Mairie de {visit.commune_name}",
        commune_code=town.code,
    )
    commander = contacts.add_contact(
        svc,
        town.commander,
        ContactRole.COMMANDANT_BRIGADE,
        f"Brigade de gendarmerie de {visit.commune_name}",
        commune_code=town.code,
    )
    visits.add_participant(svc, visit_id, mayor.id)
    visits.add_participant(svc, visit_id, commander.id)
    if town.status == "planifiee":
        return
    visits.start_visit(svc, visit_id)
    visits.update_visit(svc, visit_id, summary=town.summary)
    for form_id, version in (
        (visit.checklist_form_id, visit.checklist_form_version),
        (visit.diagnostic_form_id, visit.diagnostic_form_version),
    ):
        form = svc.forms.get(form_id or "", version or 0)
        for item_id, value in _fill(form, rng, visit_date).items():
            comment = rng.choice(SHORT_TEXTS) if rng.random() < 0.2 else None
            answers.answer_item(svc, visit_id, form.id, item_id, value, comment=comment)
        for theme in form.iter_themes():
            diagnostic.rate_theme(
                svc,
                visit_id,
                theme.id,
                level=rng.choice([None, 1, 2, 2, 3, 3, 4]),
                observations=rng.choice(LONG_TEXTS) if rng.random() < 0.5 else "",
            )
    _seed_interviews(svc, visit_id, visit_date, mayor.id, commander.id, rng)
    for text, prio, horizon, porteur, dispositif, status, theme_id in RECOMMENDATIONS[
        : 3 + index % 3
    ]:
        actions.add_recommendation(
            svc,
            visit_id,
            text,
            theme_id=theme_id,
            priority=prio,
            horizon=horizon,
            porteur=porteur,
            dispositif=dispositif,
            status=status,
            due_date=visit_date + timedelta(days=90 * prio),
        )
    _seed_photo(svc, visit, visit_id, index)
    quick_notes.add_quick_note(svc, visit_id, "Rappeler la DGS pour le plan de l'éclairage public.")
    if town.status in ("terminee", "rapport_emis"):
        visits.complete_visit(svc, visit_id)
    if town.status == "rapport_emis":
        visits.mark_report_issued(svc, visit_id)


def _seed_interviews(
    svc: Services,
    visit_id: str,
    visit_date: date,
    mayor_id: str,
    commander_id: str,
    rng: random.Random,
) -> None:
    guides = (
        (
            "entretien-elu",
            "Entretien avec le maire",
            mayor_id,
            "Le maire souhaite un contact plus régulier avec la brigade et connaît son "
            "gendarme référent. Il s'interroge sur le coût d'une vidéoprotection.",
        ),
        (
            "entretien-gendarmerie",
            "Entretien avec la brigade",
            commander_id,
            "La brigade couvre un large secteur rural ; pics saisonniers l'été. Relation "
            "correcte avec la police municipale intercommunale.",
        ),
    )
    for form_id, title, contact_id, notes in guides:
        form = svc.forms.latest(form_id)
        interview = interviews.record_interview(
            svc,
            visit_id,
            form_id,
            title=title,
            held_on=visit_date,
            interviewee_ids=[contact_id],
            notes=notes,
        )
        for item_id, value in _fill(form, rng, visit_date).items():
            interviews.answer_interview_item(svc, interview.id, item_id, value)


def _seed_photo(svc: Services, visit: Visit, visit_id: str, index: int) -> None:
    form = svc.forms.get(visit.checklist_form_id or "", visit.checklist_form_version or 0)
    photo_item = next((i for i in form.iter_items() if i.type == ItemType.photo), None)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"centre-bourg-{visit.commune_code}.jpg"
        path.write_bytes(demo_photo_bytes(index))
        attachments.attach_file(
            svc,
            visit_id,
            path,
            caption=f"Rue commerçante du centre-bourg de {visit.commune_name}",
            form_id=form.id if photo_item else None,
            item_id=photo_item.id if photo_item else None,
        )
