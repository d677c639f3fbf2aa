"""Seeding the demo visits (demo/content.py) with answers, interviews, a diagnostic,
an action plan and a photo, through the services. Seeding twice adds nothing (demo
records have fixed ids).

The visit whose report is issued gets it the way the app issues one
(`report.issued.issue_report`: the internal PDF kept as an attachment, its hash and
date recorded, then the status « rapport émis »), so « réimprimer » works on it.
"""

from __future__ import annotations

import io
import math
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from fieldvisit.core.domain import ContactRole, SignerRole, VisitStatus, VisitType
from fieldvisit.core.pins import Pin
from fieldvisit.demo.content import (
    CONTRACT_DETAILS,
    FOLLOW_UP,
    ITEM_TEXTS,
    LONG_TEXTS,
    RECOMMENDATIONS,
    SHORT_TEXTS,
    THEME_NOTES,
    TOWNS,
    WALK,
    DemoTown,
)
from fieldvisit.forms import FormDefinition, FormItem, ItemType
from fieldvisit.services import (
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    interviews,
    observations,
    signatures,
    visits,
)
from fieldvisit.services import notes as quick_notes
from fieldvisit.services import plan as town_plan
from fieldvisit.services.context import Services
from fieldvisit.services.visit_forms import visit_forms
from fieldvisit.store.models import Visit, natural_id


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
        if item.type == ItemType.photo or item.bind is not None:
            continue  # a photo is linked; a bound item is its visit's or interview's field
        if not form.is_visible(item, given):
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
    follow_up_id = natural_id("demo-follow-up", FOLLOW_UP.code)
    first_id = natural_id("demo-visit", FOLLOW_UP.code)
    if _status(svc, follow_up_id) is None and _status(svc, first_id) == VisitStatus.RAPPORT_EMIS:
        _seed_follow_up(svc, first_id, follow_up_id, today)
        created += 1
    return created


def _seed_follow_up(svc: Services, first_id: str, visit_id: str, today: date) -> None:
    """The follow-up of the issued visit (a « visite de suivi », under way): its own
    levels, and the actions carried over from the first plan moved on."""
    with svc.store.reading() as session:
        first = session.get(Visit, first_id)
        assert first is not None
        checklist, diagnostic_form = first.checklist_form_id, first.diagnostic_form_id
    visit_date = today - timedelta(days=FOLLOW_UP.days_ago)
    visit = visits.plan_visit(
        svc,
        FOLLOW_UP.code,
        visit_date,
        VisitType.SUIVI,
        author="Claire Martin (ANCT)",
        checklist_form=checklist,
        diagnostic_form=diagnostic_form,
        previous_visit_id=first_id,
        visit_id=visit_id,
    )
    visits.start_visit(svc, visit_id)
    visits.update_visit(svc, visit_id, summary=FOLLOW_UP.summary)
    rng = random.Random(15187)
    known: dict[str, object] = {"date_visite": visit_date.isoformat()}
    for form in visit_forms(svc, visit, strict=True).all:  # the walk done again
        for item_id, value in _fill(form, rng, visit_date, known).items():
            answers.answer_item(svc, visit_id, form.id, item_id, value)
    _seed_walk(svc, visit_id, 9)
    for theme_id, level in FOLLOW_UP.levels:
        diagnostic.rate_theme(svc, visit_id, theme_id, level=level)
    for rec in actions.list_recommendations(svc, visit_id):
        for start, status in FOLLOW_UP.progress:
            if rec.text.startswith(start):
                actions.update_recommendation(svc, rec.id, status=status)


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
    for number, (text, prio, horizon, porteur, dispositif, status, theme_id) in enumerate(
        RECOMMENDATIONS[: 3 + index % 3]
    ):
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
            **_contract(CONTRACT_DETAILS.get(number), mayor.id, visit_date),
        )
    _seed_photo(svc, visit, visit_id, index)
    if town.status == "en_cours":  # the walk of the visit under way, with its plan
        _seed_walk(svc, visit_id, index)
    if town.status == "en_cours":  # once a visit is done, its quick notes are sorted
        quick_notes.add_quick_note(
            svc, visit_id, "Rappeler la DGS pour le plan de l'éclairage public."
        )
    if town.status in ("terminee", "rapport_emis"):
        visits.complete_visit(svc, visit_id)
        _sign(svc, visit_id, town.mayor, visit_date)
    if town.status == "rapport_emis":
        _issue(svc, visit_id)


def _sign(svc: Services, visit_id: str, mayor: str, visit_date: date) -> None:
    """The author and the maire signed on screen at the end of the day (the commandant
    de brigade's slot is left to sign on paper): a drawn line of loops, each its own."""
    signed_at = datetime.combine(visit_date, time(17, 30), tzinfo=UTC)
    for turns, (role, name) in enumerate(
        [(SignerRole.AUTEUR, "Claire Martin"), (SignerRole.MAIRE, mayor)], start=3
    ):
        stroke = [
            (0.08 + 0.84 * k / 60, 0.5 + 0.3 * math.sin(k * turns * math.pi / 30) * (1 - k / 90))
            for k in range(61)
        ]
        signatures.sign(svc, visit_id, role, name, [stroke], signed_at=signed_at)


def _contract(details: dict[str, object] | None, mayor_id: str, visit_date: date) -> dict[str, Any]:
    """An action's contract fields from CONTRACT_DETAILS (none: the action has none)."""
    if not details:
        return {}
    fields = {k: v for k, v in details.items() if k not in ("named_mayor", "review_days")}
    if details.get("named_mayor"):
        fields["porteur_contact_id"] = mayor_id
    days = details.get("review_days")
    if isinstance(days, int):
        fields["review_date"] = visit_date + timedelta(days=days)
    return fields


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


def demo_plan_bytes(seed: int) -> bytes:
    """A generated plan of a town centre: blocks, streets, a square (no map ships)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1800, 1200), (241, 238, 228))
    draw = ImageDraw.Draw(image)
    for _ in range(160):  # buildings
        x, y = rng.randint(0, 1750), rng.randint(0, 1150)
        w, h = rng.randint(40, 140), rng.randint(40, 120)
        draw.rectangle((x, y, x + w, y + h), fill=(218, 208, 190), outline=(190, 178, 160))
    for x in (260, 620, 980, 1400):  # streets
        draw.line((x, 0, x + rng.randint(-120, 120), 1200), fill=(255, 255, 255), width=26)
    for y in (300, 640, 950):
        draw.line((0, y, 1800, y + rng.randint(-90, 90)), fill=(255, 255, 255), width=22)
    draw.ellipse((760, 420, 1000, 620), fill=(205, 225, 190), outline=(150, 180, 140))  # square
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _seed_walk(svc: Services, visit_id: str, index: int) -> None:
    """The walk's observations pinned on a plan; the visit's first photo shows the
    first one, which led to an action of the plan."""
    photos = attachments.list_photos(svc, visit_id)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan-centre-bourg.png"
        path.write_bytes(demo_plan_bytes(index))
        town_plan.import_plan(svc, visit_id, path)
    for n, (category, severity, place, comment, (x, y)) in enumerate(WALK):
        made = observations.add_observation(
            svc,
            visit_id,
            category,
            severity,
            place,
            comment,
            photo_ids=[photos[0].id] if n == 0 and photos else [],
        )
        observations.pin_observation(svc, made.id, Pin(x, y))
        if n == 0:
            observations.create_action(svc, made.id)


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
