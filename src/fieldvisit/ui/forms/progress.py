"""What counts as answered, per item and per section (no Qt: plain functions)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from fieldvisit.forms import FormDefinition, FormItem, ItemType, is_answered


def effective_answers(
    form: FormDefinition, answers: Mapping[str, object], photo_counts: Mapping[str, int]
) -> dict[str, object]:
    """The answers `visible_if` and progress see: a photo item holds True once linked."""
    result = dict(answers)
    for item in form.iter_items():
        if item.type == ItemType.photo:
            result[item.id] = True if photo_counts.get(item.id, 0) > 0 else None
    return result


def item_answered(item: FormItem, effective: Mapping[str, object]) -> bool:
    return is_answered(effective.get(item.id))


def section_progress(
    form: FormDefinition, effective: Mapping[str, object], shown: Collection[str]
) -> dict[str, tuple[int, int]]:
    """{section id: (answered, visible)} counting only the items shown; repeatable
    groups are left out (their items are answered per occurrence)."""
    result: dict[str, tuple[int, int]] = {}
    for section in form.sections:
        if section.repeat:
            continue
        visible = [item for item in section.items if item.id in shown]
        answered = sum(1 for item in visible if item_answered(item, effective))
        result[section.id] = (answered, len(visible))
    return result


def total_progress(per_section: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    answered = sum(a for a, _ in per_section.values())
    visible = sum(v for _, v in per_section.values())
    return answered, visible


def missing_required(
    form: FormDefinition, effective: Mapping[str, object], shown: Collection[str]
) -> list[FormItem]:
    """Required items shown and unanswered, in form order."""
    return [
        item
        for item in form.iter_items()
        if item.required and item.id in shown and not item_answered(item, effective)
    ]
