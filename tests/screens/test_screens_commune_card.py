"""The commune card screen, read from synthetic files imported as published."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldvisit.core.errors import NotFound
from fieldvisit.screens.commune_card import HOW_TO_IMPORT, load_commune_card
from fieldvisit.services import Services
from public_data_files import import_all

AURILLAC, SAINT_FLOUR, ALLANCHE = "15014", "15187", "15001"


@pytest.fixture
def imported(svc: Services, tmp_path: Path) -> Services:
    import_all(svc.public_data, tmp_path / "published", ["15"])
    return svc


def test_the_card_shows_what_each_dataset_says_of_the_commune(imported: Services) -> None:
    card = load_commune_card(imported, AURILLAC)
    facts = {fact.label: fact.value for fact in card.facts}
    assert card.title.startswith("Aurillac (15014) — Cantal (15)")
    assert "habitants" in facts["Population"]
    assert facts["Intercommunalité"].startswith("CA du Bassin d'Aurillac")
    assert card.pvd and facts["Petites Villes de demain"].startswith(
        "oui (PVD-0001), convention signée le 02/02/2021"
    )
    assert facts["France Ruralités Revitalisation"]  # the class of the file
    assert "QPV" in facts["Quartier prioritaire (QPV)"]
    (unit,) = card.units
    assert unit.name == "Brigade de gendarmerie de Aurillac"
    assert unit.address == "1 avenue de la République 15014 AURILLAC"
    assert unit.phone == "04 71 00 00 17" and unit.hours and unit.where is None
    assert card.years == (2020, 2021, 2022, 2023, 2024)
    assert len(card.crime) == 15
    assert card.crime_source is not None and "Licence Ouverte 2.0" in card.crime_source
    assert card.proposal is not None and card.how_to_import is None


def test_cells_not_published_are_explained_never_zero(imported: Services) -> None:
    card = load_commune_card(imported, ALLANCHE)
    hidden = [row for row in card.crime if not row.published]
    assert hidden, "Allanche has indicators the SSMSI does not publish"
    for row in hidden:
        assert set(row.commune) == {"non diffusé"}
        # the département's figure of the file is on the département's line only
        assert all(cell.endswith("‰") for cell in row.departement)
    assert card.any_hidden
    assert any("plus de 5 faits chacune de 3 années successives" in n for n in card.notes)
    assert any("jamais ceux de la commune" in note for note in card.notes)


def test_without_a_brigade_the_units_of_the_intercommunality_are_listed(
    imported: Services,
) -> None:
    card = load_commune_card(imported, SAINT_FLOUR)
    assert "intercommunalité" in card.gendarmerie
    assert card.units and all(unit.where for unit in card.units)
    assert not card.pvd


def test_without_any_dataset_the_card_says_how_to_import(svc: Services) -> None:
    card = load_commune_card(svc, AURILLAC)
    assert not card.imported and card.how_to_import == HOW_TO_IMPORT
    assert "fieldvisit reference import" in HOW_TO_IMPORT
    assert "Importer des données publiques…" in HOW_TO_IMPORT
    assert card.crime == () and card.proposal is None
    assert card.crime_missing is not None and "non importée" in card.crime_missing


def test_an_unknown_code_is_said_in_french(imported: Services) -> None:
    with pytest.raises(NotFound, match="Commune inconnue"):
        load_commune_card(imported, "99999")


def count_statements(svc: Services, code: str) -> list[str]:
    seen: list[str] = []
    with svc.public_data.reading() as db:
        db.set_trace_callback(seen.append)
    try:
        load_commune_card(svc, code)
    finally:
        with svc.public_data.reading() as db:
            db.set_trace_callback(None)
    return [s for s in seen if not s.startswith(("BEGIN", "COMMIT"))]


def test_one_read_with_as_many_statements_for_one_unit_or_many(imported: Services) -> None:
    """A card with its own brigade and one with the six of its intercommunality, 15
    indicators each: a fixed number of statements (one more for the intercommunality's
    units, looked up when the commune has none), none per unit or indicator."""
    one = count_statements(imported, AURILLAC)
    many = count_statements(imported, SAINT_FLOUR)
    assert len(load_commune_card(imported, SAINT_FLOUR).units) == 6
    assert len(many) == len(one) + 1 <= 11, many
