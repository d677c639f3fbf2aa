"""validate_answer per item type; visibility and missing_required on a small form."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from fieldvisit.forms import (
    Choice,
    FormDefinition,
    FormItem,
    FormKind,
    ItemType,
    Section,
    validate_answer,
)


def item(item_type: ItemType, **extra: object) -> FormItem:
    return FormItem(id="q", label="Question", type=item_type, **extra)


CHOICES = (Choice(id="a", label="A"), Choice(id="b", label="B"), Choice(id="c", label="C"))


@pytest.mark.parametrize(
    ("form_item", "value", "expected"),
    [
        (item(ItemType.yes_no_na), "oui", "oui"),
        (item(ItemType.yes_no_na), " NA ", "na"),
        (item(ItemType.single_choice, choices=CHOICES), "b", "b"),
        (item(ItemType.multi_choice, choices=CHOICES), ["c", "a", "c"], ["a", "c"]),
        (item(ItemType.multi_choice, choices=CHOICES), ("b",), ["b"]),
        (item(ItemType.text), "  rue de la Gare ", "rue de la Gare"),
        (item(ItemType.long_text), "ligne 1\nligne 2\n", "ligne 1\nligne 2"),
        (item(ItemType.number), 3, 3),
        (item(ItemType.number), 2.5, 2.5),
        (item(ItemType.number), "12,5", 12.5),
        (item(ItemType.number), "4", 4),
        (item(ItemType.number, min=0, max=10), 0, 0),
        (item(ItemType.date), "2024-02-29", "2024-02-29"),
        (item(ItemType.date), dt.date(2024, 3, 1), "2024-03-01"),
        (item(ItemType.rating), 5, 5),
        (item(ItemType.rating, scale=4), 1, 1),
        (item(ItemType.photo), True, True),
    ],
)
def test_accepted_answers(form_item: FormItem, value: object, expected: object) -> None:
    assert validate_answer(form_item, value) == expected


@pytest.mark.parametrize("item_type", list(ItemType))
@pytest.mark.parametrize("empty", [None, "", "   ", []])
def test_no_answer_is_none(item_type: ItemType, empty: object) -> None:
    extra = {"choices": CHOICES} if item_type in ("single_choice", "multi_choice") else {}
    assert validate_answer(item(item_type, **extra), empty) is None


@pytest.mark.parametrize(
    ("form_item", "value", "fragment"),
    [
        (item(ItemType.yes_no_na), "peut-être", "« oui », « non » ou « na » attendu"),
        (item(ItemType.yes_no_na), True, "« oui », « non » ou « na » attendu"),
        (
            item(ItemType.single_choice, choices=CHOICES),
            "x",
            "Choix inconnu « x » pour l'élément « Question » (q) ; choix possibles : a, b, c.",
        ),
        (item(ItemType.single_choice, choices=CHOICES), ["a"], "Choix inconnu"),
        (item(ItemType.multi_choice, choices=CHOICES), "a", "Une liste de choix est attendue"),
        (item(ItemType.multi_choice, choices=CHOICES), ["a", "z"], "Choix inconnu « z »"),
        (item(ItemType.text), 12, "Un texte est attendu"),
        (item(ItemType.number), "douze", "Un nombre est attendu"),
        (item(ItemType.number), True, "Un nombre est attendu"),
        (item(ItemType.number), float("nan"), "Un nombre fini"),
        (item(ItemType.number, min=0), -1, "inférieur au minimum 0"),
        (item(ItemType.number, max=10), 10.5, "dépasse le maximum 10"),
        (item(ItemType.date), "29/02/2024", "format AAAA-MM-JJ attendu"),
        (item(ItemType.date), "2023-02-29", "Date invalide"),
        (item(ItemType.date), "20240101", "Date invalide"),
        (item(ItemType.rating), 6, "un entier de 1 à 5 attendu"),
        (item(ItemType.rating), 0, "un entier de 1 à 5 attendu"),
        (item(ItemType.rating), 2.0, "un entier de 1 à 5 attendu"),
        (item(ItemType.rating), True, "un entier de 1 à 5 attendu"),
        (item(ItemType.photo), "photo.jpg", "indiquez true"),
    ],
)
def test_rejected_answers(form_item: FormItem, value: object, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        validate_answer(form_item, value)
    assert fragment in str(caught.value)


def test_photo_without_photo_is_no_answer() -> None:
    assert validate_answer(item(ItemType.photo), False) is None


@pytest.fixture
def form() -> FormDefinition:
    return FormDefinition(
        id="essai",
        version=1,
        title="Essai",
        kind=FormKind.interview,
        sections=(
            Section(
                id="pm",
                title="Police municipale",
                items=(
                    FormItem(id="pm_presente", label="PM ?", type="yes_no_na", required=True),
                    FormItem(
                        id="nb_agents_pm",
                        label="Agents",
                        type="number",
                        required=True,
                        visible_if="pm_presente == 'oui'",
                    ),
                    FormItem(
                        id="convention",
                        label="Convention",
                        type="yes_no_na",
                        required=True,
                        visible_if="nb_agents_pm >= 3",
                    ),
                    FormItem(id="notes", label="Notes", type="long_text", confidential=True),
                    FormItem(
                        id="problemes",
                        label="Problèmes",
                        type="multi_choice",
                        choices=(Choice(id="drogue", label="Drogue"),),
                    ),
                    FormItem(
                        id="lieux",
                        label="Lieux",
                        type="text",
                        required=True,
                        visible_if="'drogue' in problemes",
                    ),
                ),
            ),
        ),
    )


def ids(items: list[FormItem]) -> list[str]:
    return [i.id for i in items]


def test_missing_required_respects_visibility(form: FormDefinition) -> None:
    assert ids(form.missing_required({})) == ["pm_presente"]
    assert ids(form.missing_required({"pm_presente": "non"})) == []
    assert ids(form.missing_required({"pm_presente": "oui"})) == ["nb_agents_pm"]
    assert ids(form.missing_required({"pm_presente": "oui", "nb_agents_pm": 2})) == []
    answers = {"pm_presente": "oui", "nb_agents_pm": 3}
    assert ids(form.missing_required(answers)) == ["convention"]
    assert ids(form.missing_required({**answers, "convention": "oui"})) == []
    assert ids(form.missing_required({"pm_presente": "na", "problemes": ["drogue"]})) == ["lieux"]
    assert ids(form.missing_required({"pm_presente": "na", "lieux": " "})) == []


def test_answers_of_hidden_items_do_not_count(form: FormDefinition) -> None:
    stale = {"pm_presente": "non", "nb_agents_pm": 8}
    assert not form.is_visible("nb_agents_pm", stale)
    assert not form.is_visible(form.item("convention"), stale)
    assert ids(form.visible_items(stale)) == ["pm_presente", "notes", "problemes"]


def test_form_helpers(form: FormDefinition) -> None:
    assert ids(list(form.iter_items()))[:3] == ["pm_presente", "nb_agents_pm", "convention"]
    assert form.item("notes").confidential
    with pytest.raises(KeyError):
        form.item("inconnu")
    assert form.confidential_item_ids() == frozenset({"notes"})
    assert form.compiled("notes") is None
    compiled = form.compiled("convention")
    assert compiled is not None and compiled.references == frozenset({"nb_agents_pm"})
    assert form.compiled(form.item("convention")) is compiled
    assert form.key == ("essai", 1)
    assert form.section_of("lieux").id == "pm"
    assert list(form.iter_themes()) == []


def test_definitions_are_frozen_and_checked_when_built_in_code(form: FormDefinition) -> None:
    with pytest.raises(ValidationError):
        form.title = "Autre"  # type: ignore[misc]
    data = form.model_dump()
    data["sections"][0]["items"][1]["visible_if"] = "inconnu == 'oui'"
    with pytest.raises(ValidationError, match="visible_if cite « inconnu »"):
        FormDefinition.model_validate(data)


def test_equal_definitions_stay_equal_after_use(form: FormDefinition) -> None:
    twin = FormDefinition.model_validate(form.model_dump())
    assert form.is_visible("convention", {"pm_presente": "oui", "nb_agents_pm": 4})
    assert twin == form
    assert hash(twin) == hash(form)
