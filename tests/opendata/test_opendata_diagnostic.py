"""Part 1 of the diagnostic proposed from the SSMSI base, the report's trend series,
and the commune search limited to PVD towns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_opendata_card import ARMED, BURGLARIES, SEXUAL, saint_flour_rows

from fieldvisit.assets import shipped_forms_dir
from fieldvisit.forms import FormCatalogue
from fieldvisit.opendata.card import commune_card
from fieldvisit.opendata.diagnostic import propose_constat, trend_series
from fieldvisit.opendata.importer import import_file
from fieldvisit.opendata.search import PvdTowns, search_communes
from fieldvisit.opendata.store import PublicDataStore
from fieldvisit.reference import CommuneIndex
from public_data_files import ssmsi_row, write_ssmsi

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
VIOLENT = "Vols violents sans arme"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PublicDataStore]:
    opened = PublicDataStore(tmp_path / "public-data.sqlite3")
    write_ssmsi(tmp_path / "base.csv", rows=saint_flour_rows())
    import_file(opened, tmp_path / "base.csv", now=NOW)
    yield opened
    opened.close()


def test_part_one_is_proposed_from_the_edition(
    communes: CommuneIndex, store: PublicDataStore
) -> None:
    proposal = propose_constat(commune_card(communes, store, "15187"))
    assert proposal is not None
    assert proposal.sources == ("ssmsi",)
    assert (proposal.first_year, proposal.last_year) == (2020, 2024)
    assert proposal.date_donnees == date(2024, 12, 31)
    assert proposal.periode_analysee == "2020 à 2024 (SSMSI, base communale, édition 2025)"
    assert proposal.donnees_non_diffusees == "oui"
    text = proposal.constat
    assert text.startswith("D'après la base communale de la délinquance enregistrée du SSMSI")
    # burglaries first: 28 in 2024 against 20 in 2020, +40 %, per 1,000 dwellings
    burglaries = next(line for line in text.splitlines() if BURGLARIES in line)
    assert "28 en 2024 (6,9 pour 1 000 logements), contre 20 en 2020 : en hausse (+40 %)" in (
        burglaries
    )
    assert "département 6,7 ‰" in burglaries
    # not published: named, never counted as 0
    assert (
        "Non diffusés sur la période (moins de 6 faits trois années de suite, ce qui n'est " in text
    )
    hidden = next(line for line in text.splitlines() if "Non diffusés" in line)
    assert ARMED in hidden and " 0 " not in hidden
    assert text.splitlines()[-1].startswith("Source : SSMSI, base communale")


def test_the_proposed_answers_fit_the_diagnostic_form(
    communes: CommuneIndex, store: PublicDataStore
) -> None:
    proposal = propose_constat(commune_card(communes, store, "15187"))
    assert proposal is not None
    form = FormCatalogue.load([shipped_forms_dir()]).get("diagnostic-securite", 1)
    items = {item.id: item for item in form.iter_items()}
    answers = proposal.answers()
    assert set(answers) <= set(items)
    choices = {choice.id for choice in items["sources_consultees"].choices}
    assert set(answers["sources_consultees"]) <= choices  # type: ignore[arg-type]
    assert answers["donnees_non_diffusees"] in ("oui", "non", "na")


def test_trends_per_indicator(
    communes: CommuneIndex, store: PublicDataStore, tmp_path: Path
) -> None:
    proposal = propose_constat(commune_card(communes, store, "15187"))
    assert proposal is not None
    by_label = {trend.label: trend for trend in proposal.trends}
    burglaries, armed, sexual = by_label[BURGLARIES], by_label[ARMED], by_label[SEXUAL]
    assert (burglaries.direction, burglaries.change) == ("hausse", pytest.approx(0.4))
    assert burglaries.theme == "cambriolages" and not burglaries.small_numbers
    assert (armed.published_years, armed.direction, armed.first_count) == (0, None, None)
    assert sexual.published_years == 4 and not sexual.small_numbers  # 10 to 14 a year
    assert "prudence" not in sexual.sentence


def test_a_stable_series_and_a_fall(communes: CommuneIndex, tmp_path: Path) -> None:
    rows = [
        ssmsi_row("15014", y, BURGLARIES, 100 + (y - 2020), dwellings=15000)
        for y in range(2020, 2025)
    ]
    rows += [
        ssmsi_row("15014", y, SEXUAL, 60 - 10 * (y - 2020), pop=26000) for y in range(2020, 2025)
    ]
    rows += [ssmsi_row("15014", y, VIOLENT, 6 + y % 3, pop=26000) for y in range(2020, 2025)]
    write_ssmsi(tmp_path / "b.csv", rows=rows)
    store = PublicDataStore(tmp_path / "p.sqlite3")
    import_file(store, tmp_path / "b.csv", now=NOW)
    proposal = propose_constat(commune_card(communes, store, "15014"))
    store.close()
    assert proposal is not None and proposal.donnees_non_diffusees == "non"
    trends = {t.label: t for t in proposal.trends}
    assert trends[BURGLARIES].direction == "stable"
    assert (trends[SEXUAL].direction, trends[SEXUAL].change) == ("baisse", pytest.approx(-2 / 3))
    assert "en baisse (−67 %)" in trends[SEXUAL].sentence
    assert trends[VIOLENT].small_numbers  # fewer than 10 a year
    assert trends[VIOLENT].sentence.endswith("; effectifs faibles, à lire avec prudence.")


def test_no_proposal_without_figures(communes: CommuneIndex, tmp_path: Path) -> None:
    store = PublicDataStore(tmp_path / "p.sqlite3")
    assert propose_constat(commune_card(communes, store, "15187")) is None
    assert trend_series(commune_card(communes, store, "15187")) == ()
    store.close()


def test_trend_series_for_the_report_charts(communes: CommuneIndex, store: PublicDataStore) -> None:
    card = commune_card(communes, store, "15187")
    charts = trend_series(card)
    assert [s.label for s in charts] == [BURGLARIES, SEXUAL]  # armed robbery: nothing to draw
    sexual = charts[1]
    assert [p.count for p in sexual.points] == [10, None, 12, 13, 14]  # None, never 0
    assert sexual.points[1].rate is None and sexual.points[1].departement_rate is not None
    assert all(s.source_line == card.crime.source_line for s in charts)  # type: ignore[union-attr]
    assert "Licence Ouverte 2.0" in sexual.source_line
    (armed,) = trend_series(card, labels=(ARMED,))
    assert {p.count for p in armed.points} == {None}


def test_commune_search_marks_pvd_towns_and_can_be_limited_to_them(
    communes: CommuneIndex, tmp_path: Path
) -> None:
    pvd = tmp_path / "pvd.csv"
    pvd.write_text(
        "insee_com;lib_com;date_signature\n15187;Saint-Flour;2021-03-15\n43157;Le Puy-en-Velay;\n"
        "15138;Murat;01/06/2021\n"
    )
    store = PublicDataStore(tmp_path / "p.sqlite3")
    import_file(store, pvd, now=NOW)
    towns = PvdTowns(communes, store)
    store.close()
    everyone = search_communes(communes, towns, "saint-flour")
    assert everyone[0].commune.code == "15187" and everyone[0].pvd
    assert everyone[0].date_signature == date(2021, 3, 15)
    assert any(not match.pvd for match in search_communes(communes, towns, "saint"))
    only = search_communes(communes, towns, "saint", pvd_only=True)
    assert [m.commune.code for m in only] == ["15187"]
    assert [m.commune.code for m in search_communes(communes, towns, "", pvd_only=True)] == [
        "43157",
        "15187",
        "15138",
    ]  # every PVD town, largest first
    by_postal = search_communes(communes, towns, "15100", pvd_only=True)
    assert [m.commune.code for m in by_postal] == ["15187"]
    assert [m.commune.code for m in search_communes(communes, towns, "mur", pvd_only=True)] == [
        "15138"
    ]  # Murat only, not the other « Mur… » communes


@pytest.mark.parametrize("version", [1, 2, 3])
def test_the_proposed_answers_fit_every_version_of_the_diagnostic(
    communes: CommuneIndex, store: PublicDataStore, version: int
) -> None:
    proposal = propose_constat(commune_card(communes, store, "15187"))
    assert proposal is not None
    form = FormCatalogue.load([shipped_forms_dir()]).get("diagnostic-securite", version)
    items = {item.id: item for item in form.iter_items()}
    assert set(proposal.answers()) <= set(items)


def test_each_indicator_informs_a_theme_of_the_v3_diagnostic() -> None:
    """The 15 indicators of the 2025 edition, mapped onto the v3 themes: the violence
    split of the base and the thefts, a theme of their own."""
    from fieldvisit.opendata.diagnostic import PRIORITY, theme_of
    from public_data_files import INDICATORS

    form = FormCatalogue.load([shipped_forms_dir()]).get("diagnostic-securite", 3)
    themes = {theme.id for theme in form.iter_themes()}
    mapped = {label: theme_of(label) for label, _unit, _rate in INDICATORS}
    assert all(theme in themes for theme in mapped.values()), mapped
    assert set(PRIORITY) <= themes
    assert mapped["Violences physiques intrafamiliales"] == "violences_intrafamiliales"
    assert mapped["Violences physiques hors cadre familial"] == "violences_hors_cadre_familial"
    assert mapped["Vols de véhicule"] == mapped["Vols avec armes"] == "vols"
    assert mapped["Cambriolages de logement"] == "cambriolages"
