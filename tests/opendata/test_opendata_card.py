"""The commune card: what it shows, and the rules of the SSMSI base it must keep."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from fieldvisit.core.errors import NotFound
from fieldvisit.opendata.card import NOT_PUBLISHED, commune_card
from fieldvisit.opendata.card_text import render_card
from fieldvisit.opendata.importer import import_file
from fieldvisit.opendata.store import PublicDataStore
from fieldvisit.paths import DataDir
from fieldvisit.reference import CommuneIndex
from public_data_files import (
    gendarmerie_unit,
    ssmsi_row,
    write_frr,
    write_gendarmerie,
    write_ssmsi,
)

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
YEARS = range(2020, 2025)
BURGLARIES = "Cambriolages de logement"
ARMED = "Vols avec armes"
SEXUAL = "Violences sexuelles"


def saint_flour_rows() -> list[list[str]]:
    """Saint-Flour (15187) and Aurillac (15014), 2020–2024: burglaries published in
    both; armed robbery not published in Saint-Flour (ndiff, with the departmental
    figure the file gives); sexual violence published except in 2021."""
    rows = []
    for year in YEARS:
        n = year - 2010  # 10 … 14
        rows += [
            ssmsi_row("15014", year, BURGLARIES, 100, pop=26000, dwellings=15000),
            ssmsi_row("15014", year, ARMED, 8, pop=26000, dwellings=15000),
            ssmsi_row("15014", year, SEXUAL, 30, pop=26000, dwellings=15000),
            ssmsi_row("15187", year, BURGLARIES, 2 * n, pop=6391, dwellings=4052.5),
            ssmsi_row(
                "15187", year, ARMED, None, pop=6391, dwellings=4052.5, complement=("41", "0,37")
            ),
            ssmsi_row(
                "15187", year, SEXUAL, None if year == 2021 else n, pop=6391, dwellings=4052.5
            ),
        ]
    return rows


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data")


@pytest.fixture
def store(data_dir: DataDir) -> Iterator[PublicDataStore]:
    opened = PublicDataStore.of(data_dir)
    yield opened
    opened.close()


@pytest.fixture
def imported(store: PublicDataStore, tmp_path: Path) -> PublicDataStore:
    write_ssmsi(tmp_path / "base.csv.gz", rows=saint_flour_rows())
    import_file(store, tmp_path / "base.csv.gz", now=NOW)
    return store


def cells(card, label: str):  # type: ignore[no-untyped-def]
    assert card.crime is not None
    (series,) = [s for s in card.crime.indicators if s.label == label]
    return series


def test_not_published_is_never_shown_as_zero(
    communes: CommuneIndex, imported: PublicDataStore
) -> None:
    card = commune_card(communes, imported, "15187")
    armed = cells(card, ARMED)
    assert [c.shown for c in armed.cells] == [NOT_PUBLISHED] * 5
    assert all(c.count is None and c.rate is None and not c.published for c in armed.cells)
    sexual = cells(card, SEXUAL)
    assert sexual.cells[1].shown == NOT_PUBLISHED and sexual.cells[1].count is None
    assert sexual.cells[0].shown.startswith("10 (")
    text = render_card(card)
    armed_line = text.splitlines()[
        text.splitlines().index(
            next(line for line in text.splitlines() if line.strip().startswith(ARMED))
        )
        + 1
    ]
    assert armed_line.split()[1:] == ["non", "diffusé"] * 5  # never « 0 »
    assert "plus de 5 faits chacune de 3 années successives" in text
    document = card.to_json()
    shown = [c for s in document["crime"]["indicators"] if s["label"] == ARMED for c in s["cells"]]
    assert {(c["count"], c["rate"], c["shown"]) for c in shown} == {(None, None, NOT_PUBLISHED)}


def test_the_departmental_figure_is_never_shown_as_the_commune_s(
    communes: CommuneIndex, imported: PublicDataStore
) -> None:
    card = commune_card(communes, imported, "15187")
    armed = cells(card, ARMED)
    for cell in armed.cells:
        assert cell.count is None and cell.rate is None  # the commune: nothing published
        assert cell.departement_rate == pytest.approx(0.37)  # complement_info_taux
        assert cell.departement_source == "fichier"
    assert "complement_info" in card.crime.comparison  # type: ignore[union-attr]
    assert "jamais celui de la commune" in card.crime.comparison  # type: ignore[union-attr]
    lines = render_card(card).splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(ARMED))
    assert "0,4" not in lines[at + 1] and lines[at + 2].split()[:4] == [
        "dép.",
        "(fichier)",
        "0,4",
        "‰",
    ]


def test_burglaries_are_per_1000_dwellings_the_rest_per_1000_inhabitants(
    communes: CommuneIndex, imported: PublicDataStore
) -> None:
    card = commune_card(communes, imported, "15187")
    burglaries, sexual = cells(card, BURGLARIES), cells(card, SEXUAL)
    assert burglaries.rate_unit == "pour 1 000 logements" and burglaries.per_dwelling
    assert sexual.rate_unit == "pour 1 000 habitants"
    assert burglaries.cells[-1].rate == pytest.approx(28 / 4052.5 * 1000)
    assert sexual.cells[-1].rate == pytest.approx(14 / 6391 * 1000)
    assert card.crime is not None and card.crime.dwellings == 4052.5
    assert "taux pour 1 000 logements" in render_card(card)


def test_the_departement_comparison_is_computed_from_published_communes_and_says_so(
    communes: CommuneIndex, imported: PublicDataStore
) -> None:
    card = commune_card(communes, imported, "15187")
    burglaries = cells(card, BURGLARIES)
    # (100 + 28) facts over the dwellings of the two published communes
    assert burglaries.cells[-1].departement_rate == pytest.approx(128 / 19052.5 * 1000)
    assert burglaries.cells[-1].departement_source == "calcul"
    assert "calculé par fieldvisit sur les communes du département dont les chiffres sont" in (
        card.crime.comparison  # type: ignore[union-attr]
    )


def test_the_last_five_years_and_the_source_line(
    communes: CommuneIndex, store: PublicDataStore, tmp_path: Path
) -> None:
    path = write_ssmsi(tmp_path / "base.csv", departements=["15"], communes=5).path
    import_file(store, path, now=NOW)
    card = commune_card(communes, store, "15001")
    assert card.crime is not None and card.crime.years == (2020, 2021, 2022, 2023, 2024)
    assert card.crime.source_line == (
        "SSMSI, base communale de la délinquance enregistrée, édition 2025 (géographie au "
        "1er janvier 2025, faits 2020–2024), Licence Ouverte 2.0"
    )


def test_the_geography_of_the_figures_and_the_communes_merged_since(
    communes: CommuneIndex, store: PublicDataStore, tmp_path: Path
) -> None:
    """Neuvéglise-sur-Truyère (15142) is today a commune nouvelle with Lavastrie
    (15099), Oradour (15145) and Sériers: an edition in the geography of 2016 has rows
    for the former communes, a new edition (CODGEO_2025) for 15142 only."""
    old = [
        ssmsi_row(code, year, BURGLARIES, 8, pop=500, dwellings=300)
        for code in ("15099", "15142", "15145")
        for year in YEARS
    ]
    write_ssmsi(tmp_path / "old.csv", rows=old, geography=2016)
    import_file(store, tmp_path / "old.csv", now=NOW)
    card = commune_card(communes, store, "15142")
    assert card.crime is not None and card.crime.geography == 2016
    notes = " ".join(card.crime.notes)
    assert "géographie au 1er janvier 2016 (colonne CODGEO_2016" in notes
    assert "Lavastrie (15099), Oradour (15145) avaient encore leurs propres chiffres" in notes
    assert "Sériers" not in notes  # no row of its own in this edition
    former = commune_card(communes, store, "15099")
    assert "aujourd'hui commune déléguée de Neuvéglise-sur-Truyère (15142)" in " ".join(
        former.crime.notes  # type: ignore[union-attr]
    )
    new = [ssmsi_row("15142", year, BURGLARIES, 25, pop=1500, dwellings=900) for year in YEARS]
    write_ssmsi(tmp_path / "new.csv", rows=new, geography=2025)
    import_file(store, tmp_path / "new.csv", now=NOW)
    card = commune_card(communes, store, "15142")
    assert card.crime is not None and card.crime.geography == 2025
    assert "propres chiffres" not in " ".join(card.crime.notes)
    assert "édition 2025 (géographie au 1er janvier 2025" in card.crime.source_line
    gone = commune_card(communes, store, "15099")
    assert gone.crime is None and "aucune ligne pour le code 15099" in (gone.crime_missing or "")


def test_pvd_frr_and_gendarmerie_on_the_card(
    communes: CommuneIndex, store: PublicDataStore, tmp_path: Path
) -> None:
    pvd = tmp_path / "pvd.csv"
    pvd.write_text(
        "insee_com,lib_com,id_pvd,date_signature\n15187,Saint-Flour,PVD-0042,15/03/2021\n"
    )
    import_file(store, pvd, now=NOW)
    import_file(store, write_frr(tmp_path / "frr.csv", departements=["15"]).path, now=NOW)
    unit = gendarmerie_unit("15187", "Saint-Flour", 7)
    import_file(
        store,
        write_gendarmerie(tmp_path / "g.csv", departements=[], extra=[unit]).path,
        now=NOW,
    )
    card = commune_card(communes, store, "15187")
    assert (card.pvd.listed, card.pvd.date_signature, card.pvd.id_pvd) == (
        True,
        date(2021, 3, 15),
        "PVD-0042",
    )
    assert card.frr.listed and card.frr.classement in ("non classée", "FRR socle", "FRR+", "FRR M")
    assert card.gendarmerie.scope == "commune"
    (brigade,) = card.gendarmerie.units
    assert brigade.telephone == unit["telephone"] and brigade.horaires is not None
    assert brigade.horaires.splitlines()[0].startswith("Lundi")
    assert (card.epci, card.epci_nom) == ("200066660", "CC de Saint-Flour")
    assert card.population == communes.get("15187").population  # type: ignore[union-attr]
    text = render_card(card)
    assert "convention signée le 15/03/2021" in text and "Horaires : Lundi" in text
    # A commune of the same EPCI without a unit of its own: the EPCI's, said so.
    near = commune_card(communes, store, "15142")
    assert near.gendarmerie.scope == "epci" and near.gendarmerie.units[0].commune_code == "15187"
    assert near.pvd.known and not near.pvd.listed
    assert "aucune unité dans la commune ; unités de l'intercommunalité" in render_card(near)


def test_what_is_not_imported_is_said_not_guessed(
    communes: CommuneIndex, store: PublicDataStore
) -> None:
    card = commune_card(communes, store, "15187")
    assert not card.pvd.known and not card.frr.known and not card.gendarmerie.known
    assert card.crime is None and "non importée" in (card.crime_missing or "")
    assert "QPV" in card.qpv and "non renseigné" in card.qpv
    text = render_card(card)
    assert "Petites Villes de demain : inconnu (liste PVD non importée)" in text
    with pytest.raises(NotFound, match="Commune inconnue"):
        commune_card(communes, store, "99999")
