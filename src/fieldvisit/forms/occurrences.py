"""Occurrences of a repeatable group: which of their items are shown.

A repeatable group's items are answered once per occurrence (store/models.py:
RepeatOccurrence, OccurrenceAnswer). Their `visible_if` reads the items of the same
occurrence and the visit's single answers (forms/semantics.py checks nothing else is
read); a hidden item counts as no answer, for the conditions too. The group's own
`visible_if` reads the single answers only and says whether occurrences may be added.

The walk's « Points d'attention » are the observations of the walk
(services/observations.py), not generic occurrences: `OBSERVATION_GROUPS` names them.
Pure Python, like the rest of forms/.
"""

from __future__ import annotations

from collections.abc import Mapping

from fieldvisit.forms.expressions import compile_expression
from fieldvisit.forms.schema import FormDefinition, FormItem, Section

#: (form id, group id) of the repeatable groups stored as observations of the walk
OBSERVATION_GROUPS: frozenset[tuple[str, str]] = frozenset(
    {("visite-centre-bourg", "points_attention")}
)


def is_observation_group(form_id: str, group_id: str) -> bool:
    return (form_id, group_id) in OBSERVATION_GROUPS


def repeat_group(form: FormDefinition, group_id: str) -> Section | None:
    """The repeatable group of this id, or None (unknown, or not repeatable)."""
    for section in form.iter_repeats():
        if section.id == group_id:
            return section
    return None


def group_item(section: Section, item_id: str) -> FormItem | None:
    return next((item for item in section.items if item.id == item_id), None)


def _told(answers: Mapping[str, object]) -> dict[str, object]:
    # « Donnée indisponible » answers the item but tells nothing of it (forms/shapes).
    return {key: (None if type(value) is dict else value) for key, value in answers.items()}


def shown_single_answers(form: FormDefinition, answers: Mapping[str, object]) -> dict[str, object]:
    """The single answers conditions read: those of hidden items left out."""
    shown = form.shape.visibility(answers)
    return {key: value for key, value in _told(answers).items() if shown.get(key, False)}


def group_visible(
    form: FormDefinition, section: Section, single_answers: Mapping[str, object]
) -> bool:
    """Whether occurrences of the group may be added, given the visit's single answers."""
    if section.visible_if is None:
        return True
    expression = compile_expression(section.visible_if)
    return bool(expression.evaluate(shown_single_answers(form, single_answers)))


def occurrence_visibility(
    form: FormDefinition,
    section: Section,
    single_answers: Mapping[str, object],
    answers: Mapping[str, object],
) -> dict[str, bool]:
    """{item id: shown} of one occurrence's items, given its own answers and the
    visit's single answers. Computed until nothing changes: hiding an item clears its
    answer, which may hide another (an item may read one placed after it)."""
    outside = shown_single_answers(form, single_answers)
    own = _told({item.id: answers.get(item.id) for item in section.items})
    shown = {item.id: True for item in section.items}
    for _ in range(len(section.items) + 1):
        context = {**outside, **{key: v for key, v in own.items() if shown[key]}}
        now = {}
        for item in section.items:
            expression = form.compiled(item)
            now[item.id] = expression is None or bool(expression.evaluate(context))
        if now == shown:
            break
        shown = now
    return shown
