"""CommuneIndex.search() on the shipped data: what people type finds the right commune."""

from __future__ import annotations

import re

import pytest

from fieldvisit.reference import (
    COMMUNE_TYPES,
    Commune,
    CommuneIndex,
    normalise,
)
from fieldvisit.reference import name_index as name_index_module
from fieldvisit.reference.name_index import NameIndex


def codes(results: list[Commune]) -> list[str]:
    return [commune.code for commune in results]


@pytest.mark.parametrize(
    "query",
    [
        "st flour",
        "Saint-Flour",
        "saint flour",
        "SAINT-FLOUR",
        "st-flour",
        "St. Flour",
        " saint  flour ",
    ],
)
def test_saint_flour_comes_first_however_it_is_typed(communes: CommuneIndex, query: str) -> None:
    assert codes(communes.search(query))[0] == "15187"


@pytest.mark.parametrize("query", ["flour", "st fl", "fl st", "saint-fl", "FLOUR saint"])
def test_word_starts_in_any_order_find_saint_flour(communes: CommuneIndex, query: str) -> None:
    assert "15187" in codes(communes.search(query))


@pytest.mark.parametrize(
    "query",
    [
        "l'isle sur la sorgue",
        "L’Isle-sur-la-Sorgue",
        "l isle sur la sorgue",
        "lisle sur la sorgue",
        "L'ISLE-SUR-LA-SORGUE",
    ],
)
def test_elided_article_with_or_without_apostrophe(communes: CommuneIndex, query: str) -> None:
    assert codes(communes.search(query))[0] == "84054"


def test_lisle_finds_the_lisle_communes_then_l_isle_ones(communes: CommuneIndex) -> None:
    results = communes.search("lisle")
    assert [c.nom for c in results[:2]] == ["Lisle", "Lisle"]  # exact names first
    assert "84054" in codes(results)


def test_bourg_en_bresse(communes: CommuneIndex) -> None:
    assert codes(communes.search("bourg en bresse"))[0] == "01053"
    assert codes(communes.search("Bourg-en-Bresse"))[0] == "01053"


def test_postal_code_lists_its_communes_largest_first(communes: CommuneIndex) -> None:
    results = communes.search("15100", limit=100)
    assert results[0].code == "15187"
    postal = [c for c in results if "15100" in c.codes_postaux]
    assert results[: len(postal)] == postal
    populations = [c.population or 0 for c in postal]
    assert populations == sorted(populations, reverse=True)


def test_five_digits_that_are_also_an_insee_code_list_that_entry_after(
    communes: CommuneIndex,
) -> None:
    # 15100 is Saint-Flour's postal code and the INSEE code of Laveissenet (15300).
    results = communes.search("15100", limit=100)
    assert results[-1].code == "15100"
    assert results[-1].nom == "Laveissenet"
    assert codes(communes.search("15100", limit=3)) == codes(results[:3])


def test_insee_code_finds_its_commune(communes: CommuneIndex) -> None:
    assert codes(communes.search("15187")) == ["15187"]
    assert codes(communes.search("2A004")) == ["2A004"]
    assert codes(communes.search("2a004")) == ["2A004"]
    assert communes.search("99999") == []


def test_insee_code_shared_by_a_commune_and_its_deleguee(communes: CommuneIndex) -> None:
    results = communes.search("74010")
    assert [(c.nom, c.type) for c in results] == [
        ("Annecy", "commune-actuelle"),
        ("Annecy", "commune-deleguee"),
    ]


@pytest.mark.parametrize("digits", ["15", "151", "1510", "75", "2 0 0"])
def test_partial_postal_code_is_a_prefix_search(communes: CommuneIndex, digits: str) -> None:
    prefix = digits.replace(" ", "")
    results = communes.search(digits, limit=30)
    assert results
    assert all(any(p.startswith(prefix) for p in c.codes_postaux) for c in results)
    populations = [c.population or 0 for c in results]
    assert populations == sorted(populations, reverse=True)


def test_partial_postal_code_starts_with_the_largest_commune(communes: CommuneIndex) -> None:
    assert codes(communes.search("151"))[0] == "15187"
    assert codes(communes.search("75"))[0] == "75056"


@pytest.mark.parametrize("query", ["", "   ", "-", "'’", "\n"])
def test_empty_query_finds_nothing(communes: CommuneIndex, query: str) -> None:
    assert communes.search(query) == []


def test_nothing_found(communes: CommuneIndex) -> None:
    assert communes.search("xqzw") == []
    assert communes.search("saint xqzw") == []


def test_limit(communes: CommuneIndex) -> None:
    assert len(communes.search("saint")) == 20
    assert len(communes.search("saint", limit=5)) == 5
    assert len(communes.search("15", limit=3)) == 3
    assert communes.search("saint", limit=0) == []
    assert codes(communes.search("saint", limit=5)) == codes(communes.search("saint"))[:5]


def test_current_commune_before_its_namesake_deleguee(communes: CommuneIndex) -> None:
    results = communes.search("annecy")
    assert [(c.code, c.type) for c in results[:2]] == [
        ("74010", "commune-actuelle"),
        ("74010", "commune-deleguee"),
    ]


def test_deleguee_is_found_by_its_name(communes: CommuneIndex) -> None:
    (arbignieu,) = communes.search("Arbignieu")
    assert arbignieu.type == "commune-deleguee"
    assert arbignieu.chef_lieu == "01015"
    assert arbignieu.label == "Arbignieu (01, commune déléguée)"


# --- the index against a plain linear scan over every name -----------------------------

ELISION = re.compile(r"(?<![a-z0-9])([ld]) (?=[a-z0-9])")


NameForms = tuple[str, str, frozenset[str]]


def name_forms(nom: str) -> NameForms:
    """Normalised name, the same with elided articles joined, and the words of both."""
    name = normalise(nom)
    joined = ELISION.sub(r"\1", name)
    return name, joined, frozenset(name.split()) | frozenset(joined.split())


def tier_of(query: str, forms: NameForms) -> int | None:
    """The tier of a name for a query, by the rules; None if it does not match."""
    name, joined, words = forms
    if query in (name, joined):
        return 0
    if name.startswith(query) or joined.startswith(query):
        return 1
    if all(any(w.startswith(q) for w in words) for q in query.split()):
        return 2
    return None


def scan(everything: list[Commune], forms: list[NameForms], query: str, limit: int) -> list[str]:
    query = normalise(query)
    tiers = [(tier_of(query, name), rank) for rank, name in enumerate(forms)]
    ranked = sorted(t for t in tiers if t[0] is not None)
    return [everything[rank].code for _, rank in ranked[:limit]]


SCAN_QUERIES = [
    "saint flour",
    "flour",
    "st fl",
    "s",
    "sa",
    "le",
    "le la",
    "sur",
    "saint sur",
    "la sur le",
    "p d l",
    "l isle",
    "lisle",
    "d",
    "bourg",
    "bourg en",
    "marseille 1",
    "annecy",
    "vanault le chatel",
    "sainte colombe",
    "y",
    "en b",
    "mont",
]


@pytest.fixture(scope="module")
def everything(communes: CommuneIndex) -> list[Commune]:
    return list(communes)


@pytest.fixture(scope="module")
def forms(everything: list[Commune]) -> list[NameForms]:
    return [name_forms(c.nom) for c in everything]


@pytest.mark.parametrize("query", SCAN_QUERIES)
def test_search_equals_a_linear_scan(
    communes: CommuneIndex, everything: list[Commune], forms: list[NameForms], query: str
) -> None:
    expected = scan(everything, forms, query, 40)
    assert codes(communes.search(query, limit=40)) == expected


@pytest.mark.parametrize(
    "thresholds",
    [
        {"_SORT_AT_MOST": 0, "_UNION_AT_MOST": 0, "_WALK_BUDGET": 10},
        {"_SORT_AT_MOST": 10**9, "_UNION_AT_MOST": 10**9},
        {"_UNION_AT_MOST": 0, "_WALK_BUDGET": 10**9},
    ],
)
def test_every_search_strategy_gives_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
    communes: CommuneIndex,
    everything: list[Commune],
    thresholds: dict[str, int],
) -> None:
    names = NameIndex([c.nom for c in everything])
    expected = {query: names.find(normalise(query), 25) for query in SCAN_QUERIES}
    for name, value in thresholds.items():
        monkeypatch.setattr(name_index_module, name, value)
    for query in SCAN_QUERIES:
        assert names.find(normalise(query), 25) == expected[query], query


def test_entries_are_in_rank_order(everything: list[Commune]) -> None:
    keys = [
        (COMMUNE_TYPES.index(c.type), c.population is None, -(c.population or 0))
        for c in everything
    ]
    assert keys == sorted(keys)
