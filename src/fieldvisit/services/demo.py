"""Realistic demo data: visits of PVD towns with answers, interviews, a diagnostic,
an action plan and a photo. Seeding twice adds nothing (demo records have fixed ids).

The visit whose report is issued gets it the way the app issues one
(`report.issued.issue_report`: the internal PDF kept as an attachment, its hash and
date recorded, then the status « rapport émis »), so « réimprimer » works on it.

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

from fieldvisit.core.domain import (
    ActionStatus,
    ContactRole,
    Dispositif,
    Horizon,
    Porteur,
    VisitStatus,
)
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
from fieldvisit.services.visit_forms import visit_forms
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

# Answers to long-text items, by item id (invented, plausible for any small town).
ITEM_TEXTS = {
    "parcours": (
        "Départ de la mairie, rue principale jusqu'à la place du marché, gare routière, "
        "parc municipal, abords du collège, retour par les quais. Environ 2 km, à pied."
    ),
    "eclairage_zones_sombres_lieux": (
        "Passage piéton sous la voie ferrée, parking de la médiathèque et allée du parc "
        "municipal : plusieurs candélabres éteints ou masqués par la végétation."
    ),
    "angles_morts_lieux": (
        "Arrière de la salle des fêtes et recoin entre l'ancienne poste et le parking : "
        "invisibles depuis la rue, avec des traces de regroupements."
    ),
    "rassemblements_lieux": (
        "Place du marché et abri de la gare routière, surtout le vendredi et le samedi de "
        "21 h à 1 h ; bruit et déchets signalés par les riverains."
    ),
    "stupefiants_indices": (
        "Allées et venues brèves autour de l'abri de la gare routière en soirée, selon "
        "deux commerçants ; à confirmer avec la brigade."
    ),
    "aires_jeux_usages": (
        "Rassemblements nocturnes sur l'aire de jeux du parc, canettes et mégots le "
        "matin ; une clôture abîmée côté rivière."
    ),
    "commerces_sensibles": (
        "Tabac-presse et pharmacie de la rue principale, sans rideau métallique ; la "
        "bijouterie a une alarme mais pas de vidéoprotection. Station-service isolée à "
        "l'entrée sud."
    ),
    "batiments_remarques": (
        "Ateliers municipaux : portail sans serrure et matériel visible depuis la route. "
        "Salle des fêtes : issue de secours forcée l'an dernier."
    ),
    "points_forts": (
        "Centre-bourg animé en journée, commerces de proximité actifs, bonne "
        "connaissance mutuelle entre le maire et le commandant de brigade."
    ),
    "points_vigilance": (
        "Rue principale vide après la fermeture des commerces, éclairage coupé à 23 h, "
        "bâti vacant en hausse autour de la place du marché."
    ),
    "pistes_prevention_situationnelle": (
        "Intégrer l'éclairage et les lignes de vue aux travaux de requalification Petites "
        "Villes de demain ; tailler la végétation du parc ; fermer l'angle mort derrière "
        "la salle des fêtes."
    ),
    "constat_synthese": (
        "Délinquance enregistrée stable, dominée par les cambriolages de résidences "
        "secondaires hors saison et les dégradations du mobilier urbain ; rodéos "
        "motorisés l'été près de la gare."
    ),
    "ressenti_synthese": (
        "Les habitants rencontrés évoquent un sentiment d'insécurité le soir, près des "
        "arrêts de car et du parking de la médiathèque ; ils attendent plus de présence "
        "de la gendarmerie et un meilleur éclairage."
    ),
    "reponses_synthese": (
        "Présence de la brigade appréciée mais circonscription étendue ; coordination "
        "avec la police municipale à formaliser ; CISPD peu actif ; vidéoprotection à "
        "étudier avec le référent sûreté avant tout dossier FIPD."
    ),
    "problemes_description": (
        "Dégradations et tags autour de la gare depuis deux ans, rassemblements bruyants "
        "le week-end sur la place du marché, surtout l'été."
    ),
    "remontees_habitants": (
        "Appels et courriers en mairie, messages sur la page de la commune ; le maire "
        "relaie ensuite au gendarme référent."
    ),
    "evenements": (
        "Marché hebdomadaire, fête patronale en août, festival de musique : un arrêté et "
        "des barrières, sécurisation à revoir avec la brigade."
    ),
    "projet_pvd": (
        "Requalification de la place du marché et de la rue principale en 2027, "
        "réhabilitation de l'ancienne poste ; occasion d'intégrer la prévention "
        "situationnelle."
    ),
    "atteintes_elus_details": (
        "Menaces verbales contre un adjoint lors d'un conflit de voisinage ; main courante "
        "déposée, pas de plainte."
    ),
    "attentes": (
        "Un contact plus régulier avec la brigade, un appui pour le dossier de "
        "vidéoprotection et l'aide de l'ANCT pour financer l'éclairage."
    ),
    "faits_marquants": (
        "Cambriolages de résidences secondaires de novembre à mars, vols dans les "
        "véhicules au parking de la gare, dégradations le week-end."
    ),
    "cambriolages_details": (
        "Effractions par l'arrière des maisons inoccupées, en semaine ; deux interpellations "
        "l'hiver dernier, procédures en cours."
    ),
    "delinquance_itinerante_details": (
        "Une équipe circulant en utilitaire repérée sur trois communes voisines à "
        "l'automne ; signalement transmis à la compagnie."
    ),
    "enquetes_en_cours": (
        "Deux enquêtes en cours sur les cambriolages, un groupe de jeunes majeurs connu "
        "pour les rodéos."
    ),
    "vif_situations": (
        "Quatre familles suivies avec la Maison de protection des familles ; une "
        "ordonnance de protection en cours."
    ),
    "securite_routiere": (
        "Vitesse excessive à l'entrée nord et devant le collège ; deux accidents corporels "
        "l'an dernier au carrefour de la gare."
    ),
    "patrouilles_remarques": (
        "Circonscription étendue, délai d'intervention de 20 à 30 minutes la nuit ; "
        "patrouilles renforcées l'été."
    ),
    "recommandations": (
        "Relancer la participation citoyenne, promouvoir l'Opération tranquillité "
        "vacances, demander un diagnostic de vidéoprotection au référent sûreté."
    ),
    "informations_sensibles": (
        "Un commerce de la rue principale est surveillé dans le cadre d'une enquête ; ne "
        "pas évoquer avec la commune."
    ),
}

# Observations on the diagnostic's themes, by theme id (invented, plausible).
THEME_NOTES = {
    "cambriolages": "Séries l'hiver dans les résidences secondaires, par l'arrière des maisons.",
    "degradations": "Abribus et bancs dégradés autour de la gare, tags le long des quais.",
    "violences": "Violences intrafamiliales en hausse selon la brigade ; peu de signalements.",
    "stupefiants": "Usage constaté près de l'abri de la gare routière ; pas de point de deal.",
    "securite_routiere": "Vitesse excessive à l'entrée nord et devant le collège.",
    "incivilites": "Bruit et déchets le week-end sur la place du marché.",
    "rodeos": "Motos et quads l'été sur le parking de la gare et les chemins du stade.",
    "depots_sauvages": "Dépôts réguliers derrière les ateliers municipaux.",
    "mineurs": "Groupe de collégiens désœuvrés le mercredi après-midi au parc.",
    "cyber_risques": "Escroqueries au faux conseiller bancaire chez des personnes âgées.",
    "atteintes_commerces": "Vol à l'étalage et une tentative d'effraction au tabac-presse.",
    "lieux_anxiogenes": "Passage sous la voie ferrée et parking de la médiathèque, la nuit.",
    "evenements_festifs": "Fête patronale d'août : sécurisation des accès à revoir.",
    "tranquillite_nocturne": "Rassemblements bruyants jusqu'à 1 h le vendredi et le samedi.",
    "presence_gendarmerie": "Patrouilles appréciées mais jugées trop rares en soirée.",
    "police_municipale_coordination": "Échanges avec la brigade à formaliser par écrit.",
    "videoprotection": "Étude souhaitée aux entrées de ville et sur la place du marché.",
    "eclairage_public": "Extinction à 23 h, y compris près de la gare routière.",
    "prevention": "Peu d'actions au collège ; CISPD à relancer.",
    "partenariats": "Bons liens mairie – brigade ; bailleurs et commerçants peu associés.",
}

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
        return ITEM_TEXTS.get(item.id) or rng.choice(LONG_TEXTS)
    if kind == ItemType.number:
        low = int(item.min) if item.min is not None else 0
        high = int(item.max) if item.max is not None else max(low + 6, 6)
        return rng.randint(low, min(high, low + 8))
    if kind == ItemType.date:
        return (visit_date - timedelta(days=rng.randint(30, 400))).isoformat()
    if kind == ItemType.rating:
        return rng.randint(1, item.scale)
    return None  # photo items are answered by linking a photo


def _known_answers(town: DemoTown, commune: str, visit_date: date) -> dict[str, object]:
    """Answers that must agree with the visit (its date, the people met), by item id."""
    day = visit_date.isoformat()
    return {
        "date_visite": day,
        "date_entretien": day,
        "marche_exploratoire_date": day,
        "interlocuteurs_noms": (
            f"{town.mayor}, maire ; M. Olivier Garnier, adjoint chargé de la sécurité"
        ),
        "gendarme_referent_nom": (
            f"Maréchal des logis-chef Julie Perret, brigade de {commune} (via Gend'élus)"
        ),
        "unite": f"Brigade territoriale autonome de {commune}",
        "eclairage_extinction_horaires": "De 23 h à 5 h, sauf la place de la mairie",
        "rodeos_lieux": "Parking de la gare et chemins autour du stade",
        "periode_analysee": "Les trois dernières années complètes",
    }


def _fill(
    form: FormDefinition,
    rng: random.Random,
    visit_date: date,
    known: dict[str, object] | None = None,
) -> dict[str, object]:
    """Plausible answers for every item visible once earlier answers are given."""
    given: dict[str, object] = {}
    known = known or {}
    for item in form.iter_items():
        if item.type == ItemType.photo or not form.is_visible(item, given):
            continue
        value = known.get(item.id) or _value_for(item, rng, visit_date)
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
        visit_id = natural_id("demo-visit", town.code)
        existing = _status(svc, visit_id)
        if existing is None:
            _seed_town(svc, town, index, today)
            created += 1
        elif town.status == "rapport_emis" and existing == VisitStatus.TERMINEE:
            _issue(svc, visit_id)  # an earlier run stopped before issuing
    return created


def _status(svc: Services, visit_id: str) -> VisitStatus | None:
    with svc.store.reading() as session:
        visit = session.get(Visit, visit_id)
        return VisitStatus(visit.status) if visit is not None else None


def _issue(svc: Services, visit_id: str) -> None:
    """Issue the report as the app does (reportlab is imported only here)."""
    from fieldvisit.report.issued import issue_report

    issue_report(svc, visit_id)


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
    known = _known_answers(town, visit.commune_name, visit_date)
    for form in visit_forms(svc, visit, strict=True).all:
        for item_id, value in _fill(form, rng, visit_date, known).items():
            comment = rng.choice(SHORT_TEXTS) if rng.random() < 0.2 else None
            answers.answer_item(svc, visit_id, form.id, item_id, value, comment=comment)
        for theme in form.iter_themes():
            diagnostic.rate_theme(
                svc,
                visit_id,
                theme.id,
                level=rng.choice([None, 1, 2, 2, 3, 3, 4]),
                observations=THEME_NOTES.get(theme.id, "") if rng.random() < 0.6 else "",
            )
    _seed_interviews(svc, visit_id, visit_date, mayor.id, commander.id, rng, known)
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
    if town.status == "en_cours":  # once a visit is done, its quick notes are sorted
        quick_notes.add_quick_note(
            svc, visit_id, "Rappeler la DGS pour le plan de l'éclairage public."
        )
    if town.status in ("terminee", "rapport_emis"):
        visits.complete_visit(svc, visit_id)
    if town.status == "rapport_emis":
        _issue(svc, visit_id)


def _seed_interviews(
    svc: Services,
    visit_id: str,
    visit_date: date,
    mayor_id: str,
    commander_id: str,
    rng: random.Random,
    known: dict[str, object],
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
        for item_id, value in _fill(form, rng, visit_date, known).items():
            interviews.answer_interview_item(svc, interview.id, item_id, value)


def _seed_photo(svc: Services, visit: Visit, visit_id: str, index: int) -> None:
    form = visit_forms(svc, visit, strict=True).checklist
    assert form is not None  # every demo visit has the shipped checklist
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
