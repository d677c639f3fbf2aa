"""A visit's progress, computed in one place: what is visible, required and answered.

Every figure of progress the app shows comes from `form_progress` / `visit_progress`
(or `visit_totals` / `form_totals`, their sums alone, for the visit list; all share
`_count`): the visit list's column, the workspace header, the Checklist and Diagnostic
pages' headers and section headers, the report's key figure and the check before
completing a visit. The rules:

- an item counts when it is **visible**: its `visible_if` holds over the current
  answers (an answer to a hidden item counts as no answer, so hiding an item also
  hides what depends on it);
- an item is **answered** when its answer has a value (`is_answered`); a photo item is
  also answered once a photo is linked to it (its stored answer, if any, still counts);
  an item answered « Donnée indisponible » (core/unavailable.py) is answered, but
  conditions read it as unanswered (nothing is known of it);
- **required** counts the visible required items;
- an item **bound** to a field of its visit or interview (`bind`, forms/bindings.py)
  is answered when that field has a value (`bound`: {field: value}, read by the
  caller), whatever answer may be stored under the item;
- a **repeatable group** (`repeat = true` section) is left out: its items are answered
  per occurrence, not once for the visit;
- the diagnostic's **themes** are counted apart from the items: all of a section's
  themes, and those **rated** (a level of concern set). "Answered items / visible
  items" is the figure of the list, the header and the report; a section with themes
  shows its themes' figure next to its items'.

It works on a `FormShape`, the little of a form that progress needs (sections, each
item's id, required mark, type and condition, the themes' ids). A shape comes from a
validated `FormDefinition` (`FormShape.of`) or straight from the validated-forms cache
(`FormShape.from_data`), without pydantic: the visit list computes its column this way
at a cold start (services/listing.py), with the same function as every page.

No Qt, no SQL, no pydantic here.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fieldvisit.forms.expressions import Expression, compile_expression, is_answered


class Definition(Protocol):
    """What `FormShape.of` reads of a validated `forms.schema.FormDefinition` (a
    protocol, so that this module, which the schema imports, does not import it back)."""

    id: str
    version: int

    @property
    def sections(self) -> Sequence[Any]: ...

    def compiled(self, item: Any) -> Expression | None: ...


PHOTO = "photo"  # ItemType.photo's value (forms/enums.py), without importing the enum
#: How many distinct combinations of condition inputs a shape remembers the visibility
#: of (the visit list asks for the same few combinations again and again).
_MEMO_SIZE = 4096


@dataclass(frozen=True)
class ItemShape:
    id: str
    required: bool
    photo: bool
    condition: Expression | None
    bind: str | None = None  # the visit's or interview's field it shows (forms/bindings.py)


@dataclass(frozen=True)
class SectionShape:
    id: str
    items: tuple[ItemShape, ...]
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormShape:
    """What progress needs of one form (id, version): its sections, items and themes.

    Equal when made from equal definitions (conditions compare by their text)."""

    id: str
    version: int
    sections: tuple[SectionShape, ...]
    _conditions: dict[str, Expression | None] = field(init=False, repr=False, compare=False)
    _inputs: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _photos: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _bound: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    _memo: dict[tuple[Any, ...], _Layout] = field(init=False, repr=False, compare=False)
    _lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        conditions = {item.id: item.condition for s in self.sections for item in s.items}
        inputs = sorted(
            {ref for c in conditions.values() if c is not None for ref in c.references}
            & conditions.keys()
        )
        object.__setattr__(self, "_conditions", conditions)
        object.__setattr__(self, "_inputs", tuple(inputs))
        object.__setattr__(self, "_photos", tuple(i.id for i in self.items() if i.photo))
        bound = tuple((i.id, i.bind) for i in self.items() if i.bind is not None)
        object.__setattr__(self, "_bound", bound)
        object.__setattr__(self, "_memo", {})
        object.__setattr__(self, "_lock", threading.Lock())

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    @property
    def item_count(self) -> int:
        return len(self._conditions)

    def items(self) -> Iterable[ItemShape]:
        for section in self.sections:
            yield from section.items

    @classmethod
    def of(cls, form: Definition) -> FormShape:
        """The shape of a validated definition (its conditions compiled once)."""
        return cls(
            form.id,
            form.version,
            tuple(
                SectionShape(
                    section.id,
                    tuple(
                        ItemShape(
                            item.id,
                            item.required,
                            item.type == PHOTO,
                            form.compiled(item),
                            item.bind,
                        )
                        for item in section.items
                    ),
                    tuple(theme.id for theme in section.themes),
                )
                for section in form.sections
                if not section.repeat  # answered per occurrence, not counted
            ),
        )

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> FormShape:
        """The shape of a definition as the validated-forms cache keeps it (JSON);
        KeyError, TypeError or ExpressionError when the data is not such a definition."""
        sections = []
        for section in data["sections"]:
            if section.get("repeat") is True:
                continue  # a repeatable group: answered per occurrence, not counted
            items = []
            for item in section.get("items", ()):
                condition = item.get("visible_if")
                items.append(
                    ItemShape(
                        str(item["id"]),
                        bool(item.get("required", False)),
                        item.get("type") == PHOTO,
                        compile_expression(condition) if condition is not None else None,
                        str(item["bind"]) if item.get("bind") is not None else None,
                    )
                )
            themes = tuple(str(theme["id"]) for theme in section.get("themes", ()))
            sections.append(SectionShape(str(section["id"]), tuple(items), themes))
        return cls(str(data["id"]), int(data["version"]), tuple(sections))

    def visibility(self, answers: Mapping[str, object]) -> dict[str, bool]:
        """{item id: shown} for these answers (see the module docstring)."""
        return self._layout(answers).shown

    def _layout(self, answers: Mapping[str, object]) -> _Layout:
        """What is shown for these answers, and where (see `_Layout`).

        Only the answers that conditions read decide it, so the result is remembered
        per combination of those answers."""
        values = tuple(map(answers.get, self._inputs))
        if any(type(value) is dict for value in values):
            # « Donnée indisponible » (core/unavailable.py) answers the item, but tells
            # nothing of it: conditions read it as no answer.
            cleared = {
                i: None for i, v in zip(self._inputs, values, strict=True) if type(v) is dict
            }
            answers = {**answers, **cleared}
            values = tuple(None if type(value) is dict else value for value in values)
        # The values' types are part of the key: True == 1 and they hash alike.
        key: tuple[Any, ...] = (values, tuple(map(type, values)))
        try:
            hash(key)
        except TypeError:  # a list (several choices) or an odd kind of answer
            try:
                key = (None, tuple(_frozen(value) for value in values))  # never a type
                hash(key)
            except TypeError:  # an answer of an odd kind: computed, not remembered
                return _Layout.of(self, self._visibility(answers))
        layout = self._memo.get(key)
        if layout is None:
            layout = _Layout.of(self, self._visibility(answers))
            with self._lock:
                if len(self._memo) >= _MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = layout
        return layout

    def _visibility(self, answers: Mapping[str, object]) -> dict[str, bool]:
        shown: dict[str, bool] = {}
        for item_id in self._conditions:
            _visible(item_id, self._conditions, answers, shown)
        return shown


def _visible(
    item_id: str,
    conditions: Mapping[str, Expression | None],
    answers: Mapping[str, object],
    shown: dict[str, bool],
) -> bool:
    """Whether the item is shown, the items its condition reads first (into `shown`).

    A function of the module, not a closure calling itself: such a closure is a
    reference cycle holding the answers until the cyclic collector runs, which the app
    runs on the UI thread only (ui/shell/main_thread_gc.py), so the visit list's read of
    10,000 visits on the worker would keep each visit's answers meanwhile."""
    if item_id not in shown:
        shown[item_id] = True  # guards against cycles in unchecked definitions
        condition = conditions[item_id]
        if condition is not None:
            effective = {
                ref: answers.get(ref)
                for ref in condition.references
                if ref in conditions and _visible(ref, conditions, answers, shown)
            }
            shown[item_id] = condition.evaluate(effective)
    return shown[item_id]


@dataclass(frozen=True)
class _Layout:
    """One form's items shown for one combination of the answers conditions read: per
    section, the items shown and the required ones among them; and where each shown
    item is. Counting a form's progress is then a pass over its answers, not over its
    items (the visit list counts 20,000 forms)."""

    shown: dict[str, bool]
    sections: tuple[tuple[SectionShape, int, int], ...]  # section, items shown, required
    required: tuple[str, ...]  # required items shown, in the form's order
    where: dict[str, tuple[int, bool]]  # shown item → (its section's index, required)
    visible_items: frozenset[str]
    themes: tuple[str, ...]  # every section's (themes count whatever is shown)

    @classmethod
    def of(cls, shape: FormShape, shown: dict[str, bool]) -> _Layout:
        sections = []
        required: list[str] = []
        where: dict[str, tuple[int, bool]] = {}
        for index, section in enumerate(shape.sections):
            items = [item for item in section.items if shown[item.id]]
            needed = [item.id for item in items if item.required]
            required.extend(needed)
            where.update((item.id, (index, item.required)) for item in items)
            sections.append((section, len(items), len(needed)))
        themes = tuple(theme for section in shape.sections for theme in section.themes)
        return cls(shown, tuple(sections), tuple(required), where, frozenset(where), themes)


def _frozen(value: object) -> object:
    """A hashable stand-in for an answer; its type too, as True == 1 and hash alike."""
    return (type(value), tuple(value) if isinstance(value, list) else value)


@dataclass(frozen=True)
class Progress:
    """Counts of one section, one form or a whole visit."""

    visible: int = 0  # items shown
    answered: int = 0  # of those, answered
    required: int = 0  # required items shown
    required_answered: int = 0
    themes: int = 0  # themes of the diagnostic
    themes_rated: int = 0

    @property
    def missing_required(self) -> int:
        return self.required - self.required_answered

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.visible + other.visible,
            self.answered + other.answered,
            self.required + other.required,
            self.required_answered + other.required_answered,
            self.themes + other.themes,
            self.themes_rated + other.themes_rated,
        )


@dataclass(frozen=True)
class FormProgress:
    form_id: str
    #: (section id, its progress), in the form's order
    sections: tuple[tuple[str, Progress], ...]
    #: the items shown, for the answers given
    visible_items: frozenset[str]
    #: required items shown and unanswered, in the form's order
    missing_required: tuple[str, ...]

    @property
    def total(self) -> Progress:
        return progress_sum(progress for _, progress in self.sections)

    def section(self, section_id: str) -> Progress:
        return dict(self.sections)[section_id]


@dataclass(frozen=True)
class VisitProgress:
    """A visit's checklist and diagnostic forms (the forms installed), and their sum."""

    forms: tuple[FormProgress, ...] = ()

    @property
    def total(self) -> Progress:
        return progress_sum(form.total for form in self.forms)

    def form(self, form_id: str) -> FormProgress | None:
        return next((form for form in self.forms if form.form_id == form_id), None)


def progress_sum(counts: Iterable[Progress]) -> Progress:
    """The sum of these counts (as `sum(…, Progress())`, without a Progress per step)."""
    visible = answered = required = required_answered = themes = rated = 0
    for c in counts:
        visible += c.visible
        answered += c.answered
        required += c.required
        required_answered += c.required_answered
        themes += c.themes
        rated += c.themes_rated
    return Progress(visible, answered, required, required_answered, themes, rated)


def effective_answers(
    shape: FormShape,
    answers: Mapping[str, object],
    photos: Collection[str] = (),
    bound: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The answers conditions and progress read: a photo item holds True once a photo
    is linked to it (`photos`: the ids of such items); a bound item holds its field's
    value (`bound`: {field: value}; absent, None: no value)."""
    result = dict(answers)
    for item_id, bind in shape._bound:
        result[item_id] = bound.get(bind) if bound else None
    if photos:
        for item_id in shape._photos:
            if item_id in photos:
                result[item_id] = True
    return result


def form_progress(
    shape: FormShape,
    answers: Mapping[str, object],
    photos: Collection[str] = (),
    rated_themes: Collection[str] = (),
    bound: Mapping[str, object] | None = None,
) -> FormProgress:
    """One form's progress. `answers`: {item id: value} as stored or being typed;
    `photos`: ids of the photo items a photo is linked to; `rated_themes`: ids of the
    themes that have a level of concern; `bound`: {field: value} of the visit's or
    interview's fields its bound items show."""
    layout, answered, required_answered, effective = _count(shape, answers, photos, bound)
    missing = tuple(item for item in layout.required if not is_answered(effective.get(item)))
    sections = tuple(
        (
            section.id,
            Progress(
                visible,
                answered[index],
                required,
                required_answered[index],
                len(section.themes),
                sum(1 for theme in section.themes if theme in rated_themes),
            ),
        )
        for index, (section, visible, required) in enumerate(layout.sections)
    )
    return FormProgress(shape.id, sections, layout.visible_items, missing)


def _count(
    shape: FormShape,
    answers: Mapping[str, object],
    photos: Collection[str],
    bound: Mapping[str, object] | None = None,
) -> tuple[_Layout, list[int], list[int], Mapping[str, object]]:
    """The rules of the module docstring, applied: what is shown, and per section how
    many shown items, and shown required items, are answered; with the answers read."""
    # Without photos or bound items the answers are what conditions and progress read:
    # not copied.
    if photos or shape._bound:
        effective: Mapping[str, object] = effective_answers(shape, answers, photos, bound)
    else:
        effective = answers
    layout = shape._layout(effective)
    answered = [0] * len(layout.sections)
    required_answered = [0] * len(layout.sections)
    where = layout.where
    for item_id, value in effective.items():  # the answers given: fewer than the items
        found = where.get(item_id)  # None: not shown, or not an item of this form
        if found is not None and is_answered(value):
            answered[found[0]] += 1
            if found[1]:
                required_answered[found[0]] += 1
    return layout, answered, required_answered, effective


def visit_progress(
    shapes: Sequence[FormShape],
    answers: Mapping[str, Mapping[str, object]],
    photos: Collection[tuple[str, str]] = (),
    rated_themes: Collection[str] = (),
    bound: Mapping[str, object] | None = None,
) -> VisitProgress:
    """A visit's progress over its forms (checklist, diagnostic). `answers`: {form id:
    {item id: value}}; `photos`: (form id, item id) of the items a photo is linked to;
    `rated_themes`: ids of the visit's rated themes; `bound`: {field: value} of the
    visit's fields (forms/bindings.py)."""
    return VisitProgress(
        tuple(
            form_progress(
                shape,
                answers.get(shape.id, {}),
                {item for form_id, item in photos if form_id == shape.id},
                rated_themes,
                bound,
            )
            for shape in shapes
        )
    )


def visit_totals(
    shapes: Sequence[FormShape],
    answers: Mapping[str, Mapping[str, object]],
    photos: Collection[tuple[str, str]] = (),
    rated_themes: Collection[str] = (),
    bound: Mapping[str, object] | None = None,
) -> Progress:
    """`visit_progress(…).total`, by the same rules (`_count`), without the figures of
    each section and form: what the visit list shows for each of 10,000 visits."""
    return progress_sum(
        form_totals(
            shape,
            answers.get(shape.id, {}),
            {item for form_id, item in photos if form_id == shape.id} if photos else (),
            rated_themes,
            bound,
        )
        for shape in shapes
    )


def form_totals(
    shape: FormShape,
    answers: Mapping[str, object],
    photos: Collection[str] = (),
    rated_themes: Collection[str] = (),
    bound: Mapping[str, object] | None = None,
) -> Progress:
    """`form_progress(…).total` without its sections: one form's share of a visit's
    totals (a visit's totals are the sum of its forms', so the visit list can count each
    form as its answers are read, and keep no answers)."""
    layout, done, done_required, _ = _count(shape, answers, photos, bound)
    rated = sum(1 for theme in layout.themes if theme in rated_themes) if rated_themes else 0
    return Progress(
        len(layout.where),
        sum(done),
        len(layout.required),
        sum(done_required),
        len(layout.themes),
        rated,
    )
