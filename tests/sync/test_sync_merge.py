"""Three-way merge of one record: unit cases and properties (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.sync.merge import Side, merge_record, merge_text

LONG = frozenset({"notes"})


def _merge(base: dict | None, local: dict, remote: dict, **flags: bool):  # type: ignore[no-untyped-def]
    return merge_record(
        Side(base, flags.get("bd", False)) if base is not None else None,
        Side(local, flags.get("ld", False)),
        Side(remote, flags.get("rd", False)),
        LONG,
    )


def test_fields_changed_on_different_sides_merge_silently() -> None:
    result = _merge({"a": 1, "b": 1}, {"a": 2, "b": 1}, {"a": 1, "b": 3})
    assert result.fields == {"a": 2, "b": 3} and result.conflicts == ()


def test_same_field_changed_differently_keeps_remote_and_records_both() -> None:
    result = _merge({"a": 1}, {"a": 2}, {"a": 3})
    assert result.fields == {"a": 3}
    [conflict] = result.conflicts
    assert (conflict.field, conflict.local, conflict.remote, conflict.base) == ("a", 2, 3, 1)


def test_same_change_on_both_sides_is_no_conflict() -> None:
    assert _merge({"a": 1}, {"a": 2}, {"a": 2}).conflicts == ()


def test_long_text_edits_on_different_lines_merge_line_by_line() -> None:
    base = "Constat\nÉclairage correct\nPas de caméra\nConclusion\n"
    local = "Constat\nÉclairage faible rue Haute\nPas de caméra\nConclusion\n"
    remote = "Constat\nÉclairage correct\nPas de caméra\nConclusion : à revoir\n"
    result = _merge({"notes": base}, {"notes": local}, {"notes": remote})
    assert result.conflicts == ()
    assert result.fields["notes"] == (
        "Constat\nÉclairage faible rue Haute\nPas de caméra\nConclusion : à revoir\n"
    )


def test_long_text_edits_of_the_same_line_conflict_and_keep_both() -> None:
    result = _merge({"notes": "a\nb\n"}, {"notes": "a\nB1\n"}, {"notes": "a\nB2\n"})
    assert result.fields["notes"] == "a\nB2\n"
    assert result.conflicts[0].local == "a\nB1\n"


def test_short_text_is_never_merged_by_lines() -> None:
    result = _merge({"title": "a\nb\nc"}, {"title": "A\nb\nc"}, {"title": "a\nb\nC"})
    assert result.conflicts and result.fields["title"] == "a\nb\nC"


def test_local_delete_against_remote_edit_keeps_the_edit_flagged() -> None:
    result = _merge({"a": 1}, {"a": 1}, {"a": 2}, ld=True)
    assert result.deleted is False and result.fields == {"a": 2}
    [conflict] = result.conflicts
    assert conflict.kind == "delete" and conflict.local is True and conflict.remote is False


def test_remote_delete_against_local_edit_keeps_the_edit_flagged() -> None:
    result = _merge({"a": 1}, {"a": 5}, {"a": 1}, rd=True)
    assert result.deleted is False and result.fields == {"a": 5}
    assert result.conflicts[0].kind == "delete"


def test_delete_against_no_edit_deletes() -> None:
    assert _merge({"a": 1}, {"a": 1}, {"a": 1}, rd=True).deleted is True
    assert _merge({"a": 1}, {"a": 1}, {"a": 1}, ld=True).deleted is True
    both = _merge({"a": 1}, {"a": 2}, {"a": 3}, ld=True, rd=True)
    assert both.deleted is True


def test_revival_of_a_deleted_record_is_an_edit() -> None:
    result = _merge({"a": 1}, {"a": 1}, {"a": 1}, bd=True, rd=True)
    assert result.deleted is False and result.conflicts == ()


def test_without_base_empty_values_yield_to_filled_ones() -> None:
    result = _merge(None, {"v": None, "c": "note", "x": 1}, {"v": "oui", "c": "", "x": 2})
    assert result.fields == {"v": "oui", "c": "note", "x": 2}
    assert [c.field for c in result.conflicts] == ["x"]


def test_created_at_is_bookkeeping_not_a_conflict() -> None:
    result = _merge(None, {"created_at": "t1"}, {"created_at": "t2"})
    assert result.fields == {"created_at": "t2"} and result.conflicts == ()


def test_merge_text_returns_none_on_overlap() -> None:
    assert merge_text("a\n", "b\n", "c\n") is None
    assert merge_text("a\n", "a\nb\n", "a\n") == "a\nb\n"


# --- properties ------------------------------------------------------------------------

values = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["", "x", "y", "a\nb\n"]))
names = st.sampled_from(["a", "b", "notes"])
records = st.dictionaries(names, values, min_size=3, max_size=3).filter(lambda d: len(d) == 3)
lines = st.lists(st.sampled_from(["un\n", "deux\n", "trois\n", "quatre\n"]), max_size=6)
texts = lines.map("".join)


@given(records, records)
def test_only_local_changes_give_local(base: dict, local: dict) -> None:
    result = _merge(base, local, base)
    assert result.fields == local and result.conflicts == ()


@given(records, records)
def test_only_remote_changes_give_remote(base: dict, remote: dict) -> None:
    result = _merge(base, base, remote)
    assert result.fields == remote and result.conflicts == ()


@given(records, records, records)
def test_conflicts_are_symmetric(base: dict, local: dict, remote: dict) -> None:
    one = _merge(base, local, remote)
    two = _merge(base, remote, local)
    assert {c.field for c in one.conflicts} == {c.field for c in two.conflicts}
    for c1 in one.conflicts:
        c2 = next(c for c in two.conflicts if c.field == c1.field)
        assert (c1.local, c1.remote) == (c2.remote, c2.local)
    clean = {k for k in base if k not in {c.field for c in one.conflicts}}
    assert {k: one.fields[k] for k in clean} == {k: two.fields[k] for k in clean}


@given(records, records, records, st.booleans(), st.booleans(), st.booleans())
def test_no_value_ever_disappears(
    base: dict, local: dict, remote: dict, bd: bool, ld: bool, rd: bool
) -> None:
    result = _merge(base, local, remote, bd=bd, ld=ld, rd=rd)
    conflicted = {c.field: c for c in result.conflicts}
    for name in base:
        merged: Any = result.fields[name]
        for side in (local, remote):
            if side[name] == base[name] or side[name] == merged:
                continue
            if name in LONG and isinstance(merged, str) and conflicted.get(name) is None:
                continue  # merged line by line: checked by the text property below
            assert name in conflicted
            assert side[name] in (conflicted[name].local, conflicted[name].remote)
    if ld != rd and result.deleted != ld:
        assert any(c.kind == "delete" for c in result.conflicts) or ld == bd


@given(texts, texts, texts)
def test_text_merge_keeps_each_sides_change(base: str, local: str, remote: str) -> None:
    merged = merge_text(base, local, remote)
    if merged is None:
        return
    assert merge_text(base, local, base) == local
    assert merge_text(base, base, remote) == remote
    if local == base:
        assert merged == remote
    if remote == base:
        assert merged == local


def test_the_deletion_id_follows_the_merged_deleted_state() -> None:
    base = {"a": 1, "deletion_id": None}
    gone = {"a": 1, "deletion_id": "d-1"}
    deleted = merge_record(Side(base), Side(base), Side(gone, True))
    assert deleted.deleted and deleted.fields["deletion_id"] == "d-1"
    edited = merge_record(Side(base), Side({"a": 2, "deletion_id": None}), Side(gone, True))
    assert not edited.deleted and edited.fields == {"a": 2, "deletion_id": None}
    assert [c.kind for c in edited.conflicts] == ["delete"]


def test_an_import_keeps_the_local_value_of_a_conflicting_field() -> None:
    result = merge_record(Side({"a": 1}), Side({"a": 2}), Side({"a": 3}), keep="local")
    assert result.fields == {"a": 2}
    [conflict] = result.conflicts
    assert (conflict.local, conflict.remote, conflict.base) == (2, 3, 1)
