"""The forms that ship in forms/ load and cover what the app needs."""

from __future__ import annotations

import re

import pytest

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue, FormDefinition, FormKind, ItemType, load_form

FILES = sorted(shipped_forms_dir().glob("*.toml"))


@pytest.fixture(scope="module")
def catalogue() -> FormCatalogue:
    return FormCatalogue.load([shipped_forms_dir()])


FORM_IDS = ("visite-centre-bourg", "entretien-elu", "entretien-gendarmerie", "diagnostic-securite")


LATEST = {
    "visite-centre-bourg": 3,  # bound date, participants, synthesis; « Points d'attention »
    "entretien-elu": 3,
    "entretien-gendarmerie": 3,
    "diagnostic-securite": 3,
}


def test_shipped_folder_has_every_version_of_the_four_forms() -> None:
    # Older versions stay: visits pinned to them keep their form.
    assert {p.name for p in FILES} == {
        f"{f}.v{v}.toml" for f in FORM_IDS for v in range(1, LATEST[f] + 1)
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_shipped_form_loads_and_matches_its_file_name(path) -> None:
    form = load_form(path)
    assert path.name == f"{form.id}.v{form.version}.toml"
    assert 1 <= form.version <= LATEST[form.id]
    assert re.fullmatch(r"[a-z][a-z0-9-]*", form.id)


def test_catalogue_of_shipped_forms_has_no_problem(catalogue: FormCatalogue) -> None:
    assert [str(p) for p in catalogue.problems] == []
    assert len(catalogue) == sum(LATEST.values())
    assert {form.id: form.version for form in map(catalogue.latest, FORM_IDS)} == LATEST


def test_centre_bourg_walk(catalogue: FormCatalogue) -> None:
    form = catalogue.latest("visite-centre-bourg")
    assert form.kind is FormKind.checklist
    assert len(form.sections) >= 6
    assert len(list(form.iter_items())) >= 30
    titles = " ".join(s.title for s in form.sections)
    for word in ("Éclairage", "écoles", "Commerces", "Vidéoprotection", "rodéos"):
        assert word in titles


def test_the_walks_points_of_attention_are_the_observation_records_fields(
    catalogue: FormCatalogue,
) -> None:
    """The group's questions and choices are the fields and codes of an observation
    (store/models.py: Observation), so what the form says is what is stored."""
    from fieldvisit.core.domain import ObservationCategory, ObservationSeverity

    form = catalogue.latest("visite-centre-bourg")
    [group] = form.iter_repeats()
    assert (group.id, group.title) == ("points_attention", "Points d'attention")
    items = {item.id: item for item in group.items}
    assert list(items) == ["categorie", "lieu", "gravite", "commentaire", "photos"]
    assert [c.id for c in items["categorie"].choices] == [m.value for m in ObservationCategory]
    assert [c.label for c in items["categorie"].choices] == [m.label for m in ObservationCategory]
    assert [c.id for c in items["gravite"].choices] == [m.value for m in ObservationSeverity]
    assert items["photos"].type is ItemType.photo
    # Version 2 stays as it was: visits pinned to it have no group.
    assert list(catalogue.get("visite-centre-bourg", 2).iter_repeats()) == []


def test_diagnostic_follows_the_three_parts_of_the_circular(catalogue: FormCatalogue) -> None:
    form = catalogue.latest("diagnostic-securite")
    assert form.kind is FormKind.diagnostic
    assert [s.title for s in form.sections] == [
        "Constat de la délinquance",
        "Sentiment d'insécurité",
        "Adéquation des réponses",
    ]
    assert len(list(form.iter_themes())) >= 10
    assert all(section.themes for section in form.sections)
    theme_ids = {t.id for t in form.iter_themes()}
    assert {"cambriolages", "vols", "videoprotection", "cyber_risques"} <= theme_ids
    assert {"violences_intrafamiliales", "violences_hors_cadre_familial"} <= theme_ids


def test_interviews(catalogue: FormCatalogue) -> None:
    interviews = catalogue.latest_of_kind(FormKind.interview)
    # Sorted by title: « … avec la gendarmerie » before « … avec le maire ».
    assert [f.id for f in interviews] == ["entretien-gendarmerie", "entretien-elu"]
    gendarmerie = catalogue.latest("entretien-gendarmerie")
    assert len(gendarmerie.confidential_item_ids()) >= 3
    assert "enquetes_en_cours" in gendarmerie.confidential_item_ids()


def test_all_item_types_and_visible_if_are_used(catalogue: FormCatalogue) -> None:
    forms: list[FormDefinition] = list(catalogue)
    items = [item for form in forms for item in form.iter_items()]
    assert {item.type for item in items} == set(ItemType)
    assert sum(1 for item in items if item.visible_if) >= 10


def test_convention_de_coordination_shows_from_three_municipal_police_officers_in_v2(
    catalogue: FormCatalogue,
) -> None:
    # Visits pinned to v2 keep its rule (v3 asks whenever there is a police:
    # test_forms_v3_rules.py).
    form = catalogue.get("entretien-elu", 2)
    assert not form.is_visible("nb_agents_pm", {})
    assert form.is_visible("nb_agents_pm", {"pm_presente": "oui"})
    assert not form.is_visible("convention_coordination", {"pm_presente": "oui", "nb_agents_pm": 2})
    assert form.is_visible("convention_coordination", {"pm_presente": "oui", "nb_agents_pm": 3})
    # A stale number behind a "non" does not show the question.
    assert not form.is_visible("convention_coordination", {"pm_presente": "non", "nb_agents_pm": 5})
