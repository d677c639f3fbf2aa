"""normalise(): what people type and official names meet in one spelling."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldvisit.reference import normalise
from fieldvisit.reference.text import normalise_many, padded_many


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saint-Flour", "saint flour"),
        ("SAINT-FLOUR", "saint flour"),
        ("saint flour", "saint flour"),
        ("st-flour", "saint flour"),
        ("St. Flour", "saint flour"),
        ("ST FLOUR", "saint flour"),
        ("Ste-Marie", "sainte marie"),
        ("st st", "saint saint"),
        ("stade", "stade"),
        ("Lestrade-et-Thouels", "lestrade et thouels"),
        ("L'Isle-sur-la-Sorgue", "l isle sur la sorgue"),
        ("L’Isle-sur-la-Sorgue", "l isle sur la sorgue"),
        ("Châteauneuf-du-Pape", "chateauneuf du pape"),
        ("Œuilly", "oeuilly"),
        ("Straße", "strasse"),
        ("Bors (Canton de Tude-et-Lavalette)", "bors canton de tude et lavalette"),
        ("Marseille 1er Arrondissement", "marseille 1er arrondissement"),
        ("  a__b..c  ", "a b c"),
        ("Saint–Flour", "saint flour"),  # en dash
        ("Saint\u00a0Flour", "saint flour"),  # no-break space
        ("saint\nflour\t", "saint flour"),
        ("", ""),
        ("   ", ""),
        ("-'’._", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_padded_names_have_one_space_on_each_side() -> None:
    assert padded_many(["Saint-Flour", "", "L'Isle"]) == [" saint flour ", " ", " l isle "]
    assert padded_many([]) == []


ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(string.ascii_letters + string.digits + " -'’._\n\tÉéèçœÆß"),
        st.characters(),
    ),
    max_size=40,
)


@given(st.lists(ANY_TEXT, max_size=8))
def test_normalise_many_is_normalise_of_each(texts: list[str]) -> None:
    assert normalise_many(texts) == [normalise(text) for text in texts]


@given(ANY_TEXT)
def test_normalised_text_is_plain_words_and_stable(text: str) -> None:
    result = normalise(text)
    assert set(result) <= set(string.ascii_lowercase + string.digits + " ")
    assert result == " ".join(result.split())
    assert "st" not in result.split()
    assert normalise(result) == result
