"""Form definitions as data: schema, loader and validator, `visible_if` expressions.

Forms live in TOML files named `<id>.v<version>.toml` (see `forms/` at the top of the
repository). Pure Python: no Qt, no SQL.

TOML shape::

    id = "visite-centre-bourg"
    version = 1
    title = "Visite du centre-bourg"
    kind = "checklist"            # checklist | interview | diagnostic

    [[sections]]
    id = "eclairage"
    title = "Éclairage public"

    [[sections.items]]
    id = "eclairage_extinction"
    label = "Extinction nocturne de l'éclairage public ?"
    type = "single_choice"
    choices = [{ id = "totale", label = "Totale" }, { id = "partielle", label = "Partielle" }]
    visible_if = "eclairage_present == 'oui'"

    [[sections.themes]]           # diagnostic forms only
    id = "cambriolages"
    label = "Cambriolages"

    [[sections]]                  # a repeatable group: its items are answered once
    id = "points_attention"       # per occurrence (« Points d'attention » of the walk)
    title = "Points d'attention"
    repeat = true
    visible_if = "angles_morts == 'oui'"   # repeatable groups only; outside items only

`choices` may also be a plain list of labels, `choices = ["Très dégradé", "Correct"]`:
each id is then the label's slug ("tres_degrade", "correct").

Answer values (stored as JSON, one per visit and item):

- yes_no_na: "oui" | "non" | "na"
- single_choice: the choice id (str)
- multi_choice: list of choice ids, in the form's order, no duplicates
- text, long_text: str (surrounding blanks removed)
- number: int or float, within `min`/`max` when given
- date: "YYYY-MM-DD"
- rating: int from 1 to `scale`
- photo: True when at least one photo is linked to the item (the caller says so)

Items of a repeatable group (`repeat = true`) have no single answer: `iter_items()`,
`item()`, `visible_items()` and `missing_required()` leave them out (so services refuse
an answer to one, the report and progress ignore them), `iter_repeats()` lists the
groups. Their ids are unique in the whole form; their `visible_if` may read the items of
the same group (same occurrence) and single-answer items; nothing outside the group may
read them. Occurrences are stored one row each: the walk's « Points d'attention » as
observations (services/observations.py), every other group's as repeat_occurrences and
occurrence_answers (services/repeats.py, forms/occurrences.py for their visibility).

"No answer" is a missing key, None, a blank string, an empty list or False;
`validate_answer` returns None for it. Answers of hidden items count as no answer
when evaluating `visible_if` and `missing_required`.

The names below are imported on first use (PEP 562 `__getattr__`): the schema needs
pydantic, which a cold start of the app does without (see forms/cache.py).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldvisit.forms.answers import validate_answer
    from fieldvisit.forms.catalogue import FormCatalogue, check_paths
    from fieldvisit.forms.enums import FormKind, ItemType
    from fieldvisit.forms.expressions import (
        Expression,
        ExpressionError,
        compile_expression,
        is_answered,
    )
    from fieldvisit.forms.loader import FormError, FormProblem, load_form
    from fieldvisit.forms.schema import Choice, FormDefinition, FormItem, Section, Theme

_MODULE_OF = {
    "validate_answer": "answers",
    "FormCatalogue": "catalogue",
    "check_paths": "catalogue",
    "FormKind": "enums",
    "ItemType": "enums",
    "Expression": "expressions",
    "ExpressionError": "expressions",
    "compile_expression": "expressions",
    "is_answered": "expressions",
    "FormError": "loader",
    "FormProblem": "loader",
    "load_form": "loader",
    "Choice": "schema",
    "FormDefinition": "schema",
    "FormItem": "schema",
    "Section": "schema",
    "Theme": "schema",
}
__all__ = [
    "Choice",
    "Expression",
    "ExpressionError",
    "FormCatalogue",
    "FormDefinition",
    "FormError",
    "FormItem",
    "FormKind",
    "FormProblem",
    "ItemType",
    "Section",
    "Theme",
    "check_paths",
    "compile_expression",
    "is_answered",
    "load_form",
    "validate_answer",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
