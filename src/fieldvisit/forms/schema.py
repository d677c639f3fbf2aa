"""Form definitions as immutable pydantic models, with the queries the app needs.

Field types are checked here; rules about the whole form (unique ids, choices that
match the type, valid `visible_if`…) live in `semantics.py` and run when a definition
is built, unless the loader asks to run them itself (to report them line by line).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import suppress
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fieldvisit.forms.bindings import BOUND_FIELDS
from fieldvisit.forms.enums import (
    CHOICE_ID_PATTERN,
    FORM_ID_PATTERN,
    ID_PATTERN,
    FormKind,
    ItemType,
    slugify,
)
from fieldvisit.forms.expressions import (
    Expression,
    ExpressionError,
    compile_expression,
    is_answered,
)
from fieldvisit.forms.progress import FormShape
from fieldvisit.forms.semantics import find_semantic_issues

# Validation context key: the loader reports whole-form rules itself, with line numbers.
SKIP_FORM_RULES = "fieldvisit.forms.skip_form_rules"

Id = Annotated[StrictStr, Field(pattern=ID_PATTERN)]
Text = Annotated[StrictStr, Field(min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class Choice(_Frozen):
    id: Annotated[StrictStr, Field(pattern=CHOICE_ID_PATTERN)]
    label: Text


class FormItem(_Frozen):
    id: Id
    label: Text
    help: StrictStr = ""
    type: ItemType
    choices: tuple[Choice, ...] = ()
    required: StrictBool = False
    visible_if: Text | None = None
    confidential: StrictBool = False
    # False: left out of the shareable report although not confidential (an answer that
    # would let the commune guess a withheld one, or that is for the services only).
    shareable: StrictBool = True
    # A yes/no item: which answer is a concern (« oui » for « Des dépôts sauvages ? »,
    # « non » for « L'éclairage est-il suffisant ? »); the report's marks follow it.
    concern_if: StrictStr | None = None
    min: StrictFloat | None = None
    max: StrictFloat | None = None
    scale: Annotated[StrictInt, Field(ge=2, le=10)] = 5
    unit: StrictStr = ""
    # A field of the visit or interview this item shows and edits instead of an answer
    # of its own (forms/bindings.py: "visit.date", "interview.persons"…).
    bind: StrictStr | None = None

    @field_validator("choices", mode="before")
    @classmethod
    def _labels_as_choices(cls, value: Any) -> Any:
        """`choices = ["Oui", "Très dégradé"]` is short for ids made from the labels."""
        if isinstance(value, list | tuple):
            return [{"id": slugify(v), "label": v} if isinstance(v, str) else v for v in value]
        return value

    @property
    def withheld(self) -> bool:
        """Left out of the shareable report: confidential, or marked not for sharing."""
        return self.confidential or not self.shareable

    @property
    def read_only(self) -> bool:
        """Bound to a field edited elsewhere (a list of contacts): shown, not edited."""
        return self.bind is not None and BOUND_FIELDS[self.bind].read_only

    def choice_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.choices)

    def choice_label(self, choice_id: str) -> str:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice.label
        raise KeyError(choice_id)


class Theme(_Frozen):
    id: Id
    label: Text
    help: StrictStr = ""


class Section(_Frozen):
    """A part of a form; with `repeat = true`, a repeatable group.

    A repeatable group's items are answered once per occurrence (« Points d'attention »:
    as many observations as the walk finds), not once per visit: they are left out of
    `iter_items()`, `item()` and visibility, which are about single answers. Its
    `visible_if` (repeatable groups only) says when occurrences may be added; its items'
    conditions read the other items of the same occurrence and the single answers.
    """

    id: Id
    title: Text
    description: StrictStr = ""
    repeat: StrictBool = False
    visible_if: Text | None = None
    items: tuple[FormItem, ...] = ()
    themes: tuple[Theme, ...] = ()


class FormDefinition(_Frozen):
    id: Annotated[StrictStr, Field(pattern=FORM_ID_PATTERN)]
    version: Annotated[StrictInt, Field(ge=1)]
    title: Text
    kind: FormKind
    description: StrictStr = ""
    sections: tuple[Section, ...]

    _items: dict[str, FormItem] = PrivateAttr(default_factory=dict)
    _expressions: dict[str, Expression] = PrivateAttr(default_factory=dict)
    _shape: FormShape | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_form_rules(self, info: ValidationInfo) -> FormDefinition:
        if info.context and info.context.get(SKIP_FORM_RULES):
            return self
        issues = find_semantic_issues(self.model_dump(exclude_defaults=True))
        if issues:
            raise ValueError(" ; ".join(message for _, message in issues))
        return self

    def model_post_init(self, context: Any, /) -> None:
        # Derived from the fields only, so equality between definitions is unaffected.
        self._items = {item.id: item for item in self.iter_items()}
        for section in self.sections:  # repeatable groups' items too (ids are form-wide)
            for item in section.items:
                if item.visible_if is None:
                    continue
                # An invalid condition is reported by the form rules; compiled() re-raises.
                with suppress(ExpressionError):
                    self._expressions[item.id] = compile_expression(item.visible_if)
        with suppress(ExpressionError):  # made on first use then, which re-raises
            self._shape = FormShape.of(self)

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def iter_items(self) -> Iterator[FormItem]:
        """The items answered once per visit, in form order (not those of repeatable
        groups, see `iter_repeats`)."""
        for section in self.sections:
            if not section.repeat:
                yield from section.items

    def iter_repeats(self) -> Iterator[Section]:
        """The repeatable groups (sections with `repeat = true`), in form order."""
        for section in self.sections:
            if section.repeat:
                yield section

    def iter_themes(self) -> Iterator[Theme]:
        for section in self.sections:
            yield from section.themes

    def item(self, item_id: str) -> FormItem:
        """The single-answer item with this id; KeyError if the form has none (an item of
        a repeatable group has no answer of its own: services refuse it)."""
        return self._items[item_id]

    def section_of(self, item_id: str) -> Section:
        for section in self.sections:
            if any(item.id == item_id for item in section.items):
                return section
        raise KeyError(item_id)

    def confidential_item_ids(self) -> frozenset[str]:
        """Confidential items, those of repeatable groups included."""
        return frozenset(
            item.id for section in self.sections for item in section.items if item.confidential
        )

    def withheld_item_ids(self) -> frozenset[str]:
        """Items left out of the shareable report (confidential or `shareable = false`),
        those of repeatable groups included."""
        return frozenset(
            item.id for section in self.sections for item in section.items if item.withheld
        )

    def bound_items(self) -> dict[str, str]:
        """{item id: field} of the items bound to a field of the visit or interview."""
        return {item.id: item.bind for item in self.iter_items() if item.bind is not None}

    def withheld_sections(self) -> tuple[Section, ...]:
        """Sections with an item left out of the shareable report, in form order: what
        its cover names, from the form alone (the answers would tell what was said)."""
        return tuple(s for s in self.sections if any(item.withheld for item in s.items))

    def compiled(self, item: FormItem | str) -> Expression | None:
        """The item's compiled `visible_if` (compiled once), or None if it is always shown.

        Items of repeatable groups are passed as FormItem (`item()` does not know them)."""
        item = self.item(item) if isinstance(item, str) else item
        if item.visible_if is None:
            return None
        expression = self._expressions.get(item.id)
        return expression if expression is not None else compile_expression(item.visible_if)

    def is_visible(self, item: FormItem | str, answers: Mapping[str, object]) -> bool:
        """Whether the item is shown given these answers.

        An answer to an item that is itself hidden counts as unanswered, so hiding
        "police municipale ?" also hides "nombre d'agents" and what depends on it.
        """
        return self._visibility(answers)[item if isinstance(item, str) else item.id]

    def visible_items(self, answers: Mapping[str, object]) -> list[FormItem]:
        shown = self._visibility(answers)
        return [item for item in self.iter_items() if shown[item.id]]

    def missing_required(self, answers: Mapping[str, object]) -> list[FormItem]:
        """Required items that are visible and have no answer, in form order."""
        return [
            item
            for item in self.visible_items(answers)
            if item.required and not is_answered(answers.get(item.id))
        ]

    @property
    def shape(self) -> FormShape:
        """What progress and visibility need of this form (forms/progress.py)."""
        if self._shape is None:
            self._shape = FormShape.of(self)
        return self._shape

    def _visibility(self, answers: Mapping[str, object]) -> dict[str, bool]:
        return self.shape.visibility(answers)
