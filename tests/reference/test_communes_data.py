"""The shipped communes file: complete, and right for communes we know."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from fieldvisit.reference import (
    Commune,
    CommuneDataError,
    CommuneIndex,
    default_communes_file,
)


def test_the_shipped_file_is_small_enough_to_commit() -> None:
    assert default_communes_file().stat().st_size < 2_000_000


def test_all_communes_are_there(communes: CommuneIndex) -> None:
    counts = Counter(commune.type for commune in communes)
    assert 37_000 <= len(communes) <= 38_500
    assert sum(counts.values()) == len(communes)
    assert 34_000 <= counts["commune-actuelle"] <= 36_000
    assert counts["arrondissement-municipal"] == 20 + 9 + 16  # Paris, Lyon, Marseille
    assert counts["commune-deleguee"] > 1_000
    assert counts["commune-associee"] > 100


def test_saint_flour(communes: CommuneIndex) -> None:
    saint_flour = communes.get("15187")
    assert saint_flour is not None
    assert (saint_flour.nom, saint_flour.departement, saint_flour.departement_nom) == (
        "Saint-Flour",
        "15",
        "Cantal",
    )
    assert (saint_flour.region, saint_flour.region_nom) == ("84", "Auvergne-Rhône-Alpes")
    assert saint_flour.codes_postaux == ("15100",)
    assert saint_flour.type == "commune-actuelle"
    assert saint_flour.is_current
    assert saint_flour.chef_lieu is None
    assert saint_flour.epci is not None and len(saint_flour.epci) == 9
    assert saint_flour.epci_nom and "Saint-Flour" in saint_flour.epci_nom
    assert saint_flour.population is not None and 5_000 < saint_flour.population < 8_000
    assert saint_flour.label == "Saint-Flour (15)"


def test_ajaccio_and_corsican_codes(communes: CommuneIndex) -> None:
    ajaccio = communes.get("2A004")
    assert ajaccio is not None
    assert (ajaccio.nom, ajaccio.departement, ajaccio.departement_nom) == (
        "Ajaccio",
        "2A",
        "Corse-du-Sud",
    )
    assert ajaccio.region_nom == "Corse"
    assert "20000" in ajaccio.codes_postaux
    assert communes.get("2a004") == ajaccio
    assert communes.get(" 2a004 ") == ajaccio
    bastia = communes.get("2b033")
    assert bastia is not None and bastia.nom == "Bastia"


def test_mayotte(communes: CommuneIndex) -> None:
    mamoudzou = communes.get("97611")
    assert mamoudzou is not None
    assert (mamoudzou.nom, mamoudzou.departement, mamoudzou.departement_nom) == (
        "Mamoudzou",
        "976",
        "Mayotte",
    )
    mayotte = [c for c in communes if c.departement == "976" and c.is_current]
    assert len(mayotte) == 17


def test_arrondissement_municipal_points_to_its_city(communes: CommuneIndex) -> None:
    first = communes.get("13201")
    assert first is not None
    assert first.type == "arrondissement-municipal"
    assert first.chef_lieu == "13055"
    assert first.codes_postaux == ("13001",)
    marseille = communes.get("13055")
    assert marseille is not None and first.epci == marseille.epci


def test_deleguees_and_associees_keep_their_parent(communes: CommuneIndex) -> None:
    others = [c for c in communes if c.type in ("commune-deleguee", "commune-associee")]
    assert all(c.chef_lieu for c in others)
    assert all(c.population is None for c in others)
    parent = communes.get("01015")
    assert parent is not None and parent.nom == "Arboys en Bugey"  # current commune first
    (arbignieu,) = [c for c in others if c.nom == "Arbignieu"]
    assert (arbignieu.code, arbignieu.chef_lieu, arbignieu.epci) == ("01015", "01015", parent.epci)


def test_every_current_commune_has_sound_fields(communes: CommuneIndex) -> None:
    for commune in communes:
        assert len(commune.code) == 5, commune
        assert commune.departement_nom and commune.region_nom, commune
        assert all(len(code) == 5 and code.isdigit() for code in commune.codes_postaux)
        assert (commune.epci is None) == (commune.epci_nom is None), commune
    codes = Counter(c.code for c in communes if c.is_current)
    assert max(codes.values()) == 1


def test_get_unknown_code(communes: CommuneIndex) -> None:
    assert communes.get("00000") is None
    assert communes.get("") is None
    assert communes.get("Saint-Flour") is None


def test_commune_is_a_plain_frozen_record() -> None:
    commune = Commune(
        code="15187",
        nom="Saint-Flour",
        departement="15",
        departement_nom="Cantal",
        region="84",
        region_nom="Auvergne-Rhône-Alpes",
        epci=None,
        epci_nom=None,
        population=None,
        codes_postaux=("15100",),
        type="commune-actuelle",
        chef_lieu=None,
    )
    with pytest.raises(AttributeError):
        commune.nom = "Autre"  # type: ignore[misc]
    assert hash(commune) == hash(commune)


# --- a missing or damaged file ---------------------------------------------------------


def test_missing_file_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(CommuneDataError, match=r"build_communes\.py"):
        CommuneIndex.load(tmp_path / "absent.json.gz")


def test_damaged_file(tmp_path: Path) -> None:
    damaged = tmp_path / "communes.json.gz"
    damaged.write_bytes(b"not gzip")
    with pytest.raises(CommuneDataError, match="illisible"):
        CommuneIndex.load(damaged)


def test_file_of_another_format(tmp_path: Path) -> None:
    other = tmp_path / "communes.json.gz"
    other.write_bytes(gzip.compress(json.dumps({"format": 99}).encode()))
    with pytest.raises(CommuneDataError, match="format"):
        CommuneIndex.load(other)


def test_file_with_a_missing_column(tmp_path: Path) -> None:
    document = json.loads(gzip.decompress(default_communes_file().read_bytes()))
    del document["columns"]["nom"]
    broken = tmp_path / "communes.json.gz"
    broken.write_bytes(gzip.compress(json.dumps(document).encode()))
    with pytest.raises(CommuneDataError, match="nom"):
        CommuneIndex.load(broken)
