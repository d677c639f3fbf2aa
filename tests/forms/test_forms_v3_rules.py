"""Version 3 of the diagnostic and the interview guides states the rules right
(issue 16, « Forms: corrections »), each help naming its source; older versions stay."""

from __future__ import annotations

import pytest

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue, FormDefinition, ItemType
from fieldvisit.forms.sentiment import SENTIMENT_SCALE, is_sentiment_item

CSI = "code de la sécurité intérieure"


@pytest.fixture(scope="module")
def catalogue() -> FormCatalogue:
    return FormCatalogue.load([shipped_forms_dir()])


@pytest.fixture(scope="module")
def diagnostic(catalogue: FormCatalogue) -> FormDefinition:
    return catalogue.get("diagnostic-securite", 3)


@pytest.fixture(scope="module")
def elu(catalogue: FormCatalogue) -> FormDefinition:
    return catalogue.get("entretien-elu", 3)


@pytest.fixture(scope="module")
def gendarmerie(catalogue: FormCatalogue) -> FormDefinition:
    return catalogue.get("entretien-gendarmerie", 3)


def test_the_v3_forms_are_the_latest(catalogue: FormCatalogue) -> None:
    for form_id in ("diagnostic-securite", "entretien-elu", "entretien-gendarmerie"):
        assert catalogue.latest(form_id).version == 3


@pytest.mark.parametrize("form_id", ["diagnostic-securite", "entretien-elu"])
def test_the_convention_shows_whenever_there_is_a_municipal_police(
    catalogue: FormCatalogue, form_id: str
) -> None:
    form = catalogue.get(form_id, 3)
    # One agent is enough for the question (any commune with a police may sign one).
    assert form.is_visible("convention_coordination", {"pm_presente": "oui", "nb_agents_pm": 1})
    assert form.is_visible("convention_coordination", {"pm_presente": "oui"})
    assert not form.is_visible("convention_coordination", {"pm_presente": "non"})
    assert form.is_visible("pm_armee", {"pm_presente": "oui"})
    assert not form.is_visible("pm_armee", {"pm_presente": "non"})
    help_text = form.item("convention_coordination").help
    for needle in ("L512-4", "L512-6", "R511-19", "6 h et 23 h", CSI, "emplois", "EPCI"):
        assert needle in help_text
    for signatory in ("maire", "préfet", "procureur de la République", "président de l'EPCI"):
        assert signatory in help_text
    agents = form.item("nb_agents_pm")
    assert "emplois" in agents.label and "mis à disposition par l'EPCI" in agents.label
    assert "R511-19" in form.item("pm_armee").help


def test_version_2_still_asks_for_the_convention_from_three_agents_only(
    catalogue: FormCatalogue,
) -> None:
    old = catalogue.get("diagnostic-securite", 2)
    assert not old.is_visible("convention_coordination", {"pm_presente": "oui", "nb_agents_pm": 1})
    assert old.is_visible("convention_coordination", {"pm_presente": "oui", "nb_agents_pm": 3})


@pytest.mark.parametrize(
    ("form_id", "clspd", "cispd"),
    [("diagnostic-securite", "clspd", "cispd"), ("entretien-elu", "clspd_actif", "cispd")],
)
def test_the_clspd_required_hint_shows_for_a_qpv_commune_without_one(
    catalogue: FormCatalogue, form_id: str, clspd: str, cispd: str
) -> None:
    form = catalogue.get(form_id, 3)
    item = form.item("instances_prevention")
    assert item.type is ItemType.multi_choice
    assert "clspd_peu_reuni" in item.choice_ids() or "clspd_peu_actif" in item.choice_ids()
    assert "CLSPD créé mais peu réuni" in [c.label for c in item.choices]
    hint = "clspd_obligatoire"
    assert form.is_visible(hint, {"qpv_present": "oui"})
    assert form.is_visible(hint, {"qpv_present": "oui", "instances_prevention": ["aucune"]})
    assert form.is_visible(hint, {"plus_5000_habitants": "oui", "qpv_present": "non"})
    # Small commune without a QPV: no obligation, no hint.
    assert not form.is_visible(hint, {"qpv_present": "non", "plus_5000_habitants": "non"})
    # A CLSPD, or a CISPD covering the commune, answers the obligation; both may coexist.
    assert not form.is_visible(hint, {"qpv_present": "oui", "instances_prevention": [clspd]})
    assert not form.is_visible(hint, {"qpv_present": "oui", "instances_prevention": [cispd]})
    assert form.item(hint).concern_if == "non"
    for text in (form.item(hint).label, item.help, form.item("qpv_present").help):
        assert "L132-4" in text and CSI in text
    assert "QPV" in item.help or "quartier prioritaire" in item.help


def test_participation_citoyenne_follows_the_2019_circulaire(elu: FormDefinition) -> None:
    item = elu.item("participation_citoyenne")
    labels = [c.label for c in item.choices]
    assert "Signé mais inactif" in labels
    assert "Dispositif privé (type voisins vigilants)" in labels
    assert not any("échu" in label for label in labels)
    assert "30 avril 2019" in item.help and "tacitement" in item.help
    for signatory in ("maire", "préfet", "commandant de groupement"):
        assert signatory in item.help
    signed = elu.item("participation_citoyenne_date")
    assert signed.type is ItemType.date
    assert elu.is_visible(signed, {"participation_citoyenne": "inactif"})
    assert not elu.is_visible(signed, {"participation_citoyenne": "prive"})


def test_videoprotection_asks_the_authorisation_cameras_retention_register_and_watchers(
    elu: FormDefinition,
) -> None:
    existing = {"videoprotection": "existante"}
    asked = [
        "video_autorisation_date",
        "video_cameras_autorisees",
        "video_conservation_jours",
        "video_registre",
        "video_visionnage",
    ]
    assert all(elu.is_visible(item_id, existing) for item_id in asked)
    assert not any(elu.is_visible(item_id, {"videoprotection": "aucune"}) for item_id in asked)
    assert "5 ans" in elu.item("video_autorisation_date").help
    assert "4 mois" in elu.item("video_autorisation_date").help
    retention = elu.item("video_conservation_jours")
    assert "L252-5" in retention.help and retention.max == 31
    fipd = elu.item("videoprotection_accompagnement").help
    for needle in ("50 %", "15 000 € par caméra", "chaque année", "circulaire", "implantation"):
        assert needle in fipd


def test_otv_all_year_and_operation_tranquillite_seniors(
    elu: FormDefinition, gendarmerie: FormDefinition
) -> None:
    for form in (elu, gendarmerie):
        seniors = form.item("otv_seniors")
        assert "Opération tranquillité seniors" in seniors.label
    for item in (elu.item("otv_promue"), gendarmerie.item("otv_inscriptions")):
        assert "toute l'année" in item.help and "12 mois" in item.help
        assert "résidences secondaires" in item.help and "commerces" in item.help


def test_violence_split_vols_iscg_and_referent_vif(
    diagnostic: FormDefinition, gendarmerie: FormDefinition, elu: FormDefinition
) -> None:
    themes = {t.id: t for t in diagnostic.iter_themes()}
    assert {"violences_intrafamiliales", "violences_hors_cadre_familial", "vols"} <= set(themes)
    assert "violences" not in themes
    assert "ISCG" in themes["violences_intrafamiliales"].help
    actors = {c.id: c.label for c in gendarmerie.item("vif_partenariats").choices}
    assert (
        actors["intervenant_social"] == "Intervenant social en commissariat et gendarmerie (ISCG)"
    )
    assert actors["referent_vif"] == "Référent VIF de brigade"
    gendarmerie.item("violences_hors_cadre_familial_tendance")
    gendarmerie.item("vols_tendance")
    problems = elu.item("problemes_principaux").choice_ids()
    assert {"vif", "violences_hors_cadre_familial", "vols"} <= set(problems)


def test_part_1_lists_what_the_1997_circulaire_asks(diagnostic: FormDefinition) -> None:
    part_1 = diagnostic.sections[0]
    ids = [item.id for item in part_1.items]
    for item_id in ("victimes", "populations_exposees", "incidents_scolaires", "lieux_horaires"):
        assert item_id in ids
        assert "circulaire du 28 octobre 1997" in diagnostic.item(item_id).help.lower()
    sources = [c.label for c in diagnostic.item("sources_consultees").choices]
    for source in (
        "Services sociaux / CCAS / Département",
        "Associations d'aide aux victimes",
        "Main courante de la brigade",
    ):
        assert source in sources
    rule = diagnostic.item("donnees_non_diffusees").help
    for needle in ("plus de 5 faits", "trois années de suite", "ndiff", "zéro", "département"):
        assert needle in rule


def test_elus_protection_cybersecurity_france_services_and_ort(elu: FormDefinition) -> None:
    assert "référent atteintes aux élus" in elu.item("referent_atteintes_elus").label
    assert "Alarme élu" in elu.item("alarme_elu").label
    panic = elu.item("bouton_alerte")
    assert "3 mois" in panic.help and "préfet" in panic.help
    assert elu.is_visible(panic, {"atteintes_elus": "oui"})
    # What would tell the commune that its mayor is threatened stays internal.
    assert elu.item("alarme_elu").withheld and panic.withheld
    assert "17Cyber" in elu.item("cyber_qui_appeler").help
    assert "hors ligne" in elu.item("cyber_sauvegardes").label
    assert "France services" in elu.item("france_services").label
    ort = elu.item("perimetre_ort")
    assert "ORT" in ort.label and "Petites Villes de demain" in ort.help and "L303-2" in ort.help
    for form_text in (item.label + item.help for item in elu.iter_items()):
        assert "Maisons France Services" not in form_text.replace("(et non « Maisons", "")


def test_one_scale_for_every_sentiment_item(catalogue: FormCatalogue) -> None:
    latest = [catalogue.latest(form_id) for form_id in ("diagnostic-securite", "entretien-elu")]
    found = {
        (form.id, item.id): item.scale
        for form in latest
        for item in form.iter_items()
        if is_sentiment_item(item)
    }
    assert found == {
        ("diagnostic-securite", "intensite_ressenti"): SENTIMENT_SCALE,
        ("entretien-elu", "sentiment_insecurite"): SENTIMENT_SCALE,
    }
    # Visits pinned to the élu guide v2 keep its 1–5 scale.
    assert catalogue.get("entretien-elu", 2).item("sentiment_insecurite").scale == 5


def test_every_rule_in_a_v3_help_names_its_source(catalogue: FormCatalogue) -> None:
    """A help quoting a legal threshold or duration names the text it comes from."""
    rules = ("obligatoire", "5 ans", "un mois au plus", "tacitement", "ne peuvent pas être armés")
    sources = ("art. ", "circulaire", "Circulaire", "pack sécurité élu", "SSMSI")
    for form_id in ("diagnostic-securite", "entretien-elu", "entretien-gendarmerie"):
        form = catalogue.get(form_id, 3)
        texts = [item.help for item in form.iter_items()] + [t.help for t in form.iter_themes()]
        for text in texts:
            if any(rule in text for rule in rules):
                assert any(source in text for source in sources), text
