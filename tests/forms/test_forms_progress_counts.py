"""The progress of a form counted by a pass over its answers (forms/progress.py: the
visit list counts 20,000 forms) says what counting item by item says, for any answers.

The reference below is the rule of the module docstring applied one item at a time, as
progress was counted before: every shown item, answered or not, required or not, in the
form's order; every theme of every section, rated or not.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue, FormDefinition
from fieldvisit.forms.bindings import BOUND_FIELDS
from fieldvisit.forms.expressions import is_answered
from fieldvisit.forms.progress import (
    FormProgress,
    FormShape,
    Progress,
    form_progress,
    form_totals,
    visit_progress,
    visit_totals,
)

CHECKLIST, GRID = "visite-centre-bourg", "diagnostic-securite"
ODD_VALUES = (
    None,
    "",
    "  ",
    "oui",
    "non",
    "na",
    "Rue des Lacs",
    0,
    3,
    5,
    12,
    True,
    False,
    [],
    ["x"],
)


@pytest.fixture(scope="module")
def forms() -> dict[str, FormDefinition]:
    catalogue = FormCatalogue.load([shipped_forms_dir()])
    return {form_id: catalogue.latest(form_id) for form_id in (CHECKLIST, GRID)}


def item_by_item(
    shape: FormShape,
    answers: Mapping[str, object],
    photos: Collection[str],
    rated: Collection[str],
    bound: Mapping[str, object],
) -> FormProgress:
    effective = dict(answers)
    for item in shape.items():
        if item.photo and item.id in photos:
            effective[item.id] = True
        if item.bind is not None:  # the field's value, whatever is stored under the item
            effective[item.id] = bound.get(item.bind)
    shown = shape._visibility(effective)  # not remembered: computed for these answers
    sections, visible_items, missing = [], [], []
    for section in shape.sections:
        visible = answered = required = required_answered = 0
        for item in section.items:
            if not shown[item.id]:
                continue
            visible_items.append(item.id)
            visible += 1
            done = is_answered(effective.get(item.id))
            answered += done
            if item.required:
                required += 1
                required_answered += done
                if not done:
                    missing.append(item.id)
        themes = len(section.themes)
        rated_here = sum(1 for theme in section.themes if theme in rated)
        counts = Progress(visible, answered, required, required_answered, themes, rated_here)
        sections.append((section.id, counts))
    return FormProgress(shape.id, tuple(sections), frozenset(visible_items), tuple(missing))


@st.composite
def visit_data(draw: st.DrawFn, forms: dict[str, FormDefinition]):  # type: ignore[no-untyped-def]
    answers: dict[str, dict[str, object]] = {}
    photos: set[tuple[str, str]] = set()
    themes: list[str] = []
    for form in forms.values():
        given: dict[str, object] = {}
        for section in form.sections:
            themes.extend(theme.id for theme in section.themes)
            for item in section.items:
                choices = [choice.id for choice in item.choices]
                pool = ODD_VALUES + tuple(choices) + ((choices[:2],) if choices else ())
                if draw(st.integers(0, 2)) == 0:
                    given[item.id] = draw(st.sampled_from(pool))
                if item.type == "photo" and draw(st.booleans()):
                    photos.add((form.id, item.id))
        given["not_an_item"] = "oui"  # answers of items a form no longer has count for nothing
        answers[form.id] = given
    rated = set(draw(st.lists(st.sampled_from(themes), max_size=len(themes)))) if themes else set()
    # The visit's fields bound items show (forms/bindings.py), set or not.
    bound = {
        field: draw(st.sampled_from(ODD_VALUES)) for field in BOUND_FIELDS if draw(st.booleans())
    }
    return answers, photos, rated, bound


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_counting_the_answers_says_what_counting_the_items_says(
    forms: dict[str, FormDefinition], data: st.DataObject
) -> None:
    answers, photos, rated, bound = data.draw(visit_data(forms))
    shapes = [form.shape for form in forms.values()]
    expected = [
        item_by_item(
            shape,
            answers[shape.id],
            {item for form_id, item in photos if form_id == shape.id},
            rated,
            bound,
        )
        for shape in shapes
    ]
    for shape, reference in zip(shapes, expected, strict=True):
        linked = {item for form_id, item in photos if form_id == shape.id}
        assert form_progress(shape, answers[shape.id], linked, rated, bound) == reference
        assert form_totals(shape, answers[shape.id], linked, rated, bound) == reference.total
    whole = visit_progress(shapes, answers, photos, rated, bound)
    assert whole.forms == tuple(expected)
    total = sum((form.total for form in expected), Progress())
    assert whole.total == total
    assert visit_totals(shapes, answers, photos, rated, bound) == total
