"""`fieldvisit reference import|list` and `fieldvisit communes show`: French messages,
exit codes, nothing changed by a bad file, the commune card with its trends, and no
passphrase asked (public data is not in the encrypted store)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldvisit.cli import main
from fieldvisit.opendata.store import PublicDataStore
from fieldvisit.paths import DataDir
from public_data_files import (
    frr_class,
    gendarmerie_unit,
    ssmsi_row,
    write_frr,
    write_gendarmerie,
    write_pvd,
    write_ssmsi,
)

BURGLARIES = "Cambriolages de logement"
ARMED = "Vols avec armes"


def run(data_dir: DataDir, *args: str) -> int:
    return main(["--data-dir", str(data_dir.root), *args])


def held(data_dir: DataDir) -> list[tuple[str, str, int]]:
    store = PublicDataStore.of(data_dir)
    try:
        return [(p.dataset, p.edition, p.rows) for p in store.parts()]
    finally:
        store.close()


def test_files_are_imported_and_listed(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ssmsi = write_ssmsi(tmp_path / "donnee-comm.csv.gz", departements=["15"], communes=30)
    pvd = write_pvd(tmp_path / "pvd.csv")
    assert run(data_dir, "reference", "import", str(ssmsi.path), str(pvd.path)) == 0
    err = capsys.readouterr().err
    assert "donnee-comm.csv.gz : Base communale de la délinquance enregistrée (SSMSI), " in err
    assert f"pvd.csv : Petites Villes de demain (liste des communes), {pvd.rows} ligne(s)" in err
    assert run(data_dir, "reference", "list") == 0
    out = capsys.readouterr().out
    assert "édition « géographie 2025, faits 2016–2024 »" in out and "toute la France" in out
    assert "France Ruralités Revitalisation (classement des communes)\tnon importé" in out
    assert run(data_dir, "reference", "list", "--json") == 0
    listed = {entry["dataset"]: entry for entry in json.loads(capsys.readouterr().out)}
    assert listed["ssmsi"]["rows"] == ssmsi.rows and listed["pvd"]["source"] == "pvd.csv"
    assert listed["pvd"]["origin"] == "fichier" and listed["pvd"]["departements"] == ["*"]
    assert not data_dir.database.exists()  # the encrypted store was never opened


def test_a_damaged_file_exits_2_names_the_line_and_changes_nothing(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_frr(tmp_path / "frr.csv")
    assert run(data_dir, "reference", "import", str(good.path)) == 0
    before = held(data_dir)
    damaged = tmp_path / "frr-2025.csv"
    damaged.write_text(good.path.read_text() + "1518X;15;Nulle part;FRR+\r\n", encoding="utf-8")
    capsys.readouterr()
    assert run(data_dir, "reference", "import", str(damaged)) == 2
    err = capsys.readouterr().err
    line = good.rows + 2
    assert f"frr-2025.csv, ligne {line} : code commune INSEE invalide « 1518X »" in err
    assert "jeu de données inchangé" in err
    assert held(data_dir) == before


def test_an_unknown_file_among_good_ones_changes_nothing_at_all(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pvd = write_pvd(tmp_path / "pvd.csv")
    other = tmp_path / "budget.csv"
    other.write_text("compte;montant\n6061;1200,50\n")
    assert run(data_dir, "reference", "import", str(pvd.path), str(other)) == 2
    err = capsys.readouterr().err
    assert "budget.csv, ligne 1 : jeu de données non reconnu d'après son en-tête" in err
    assert held(data_dir) == []  # headers are read first: the PVD list was not imported
    twice = write_pvd(tmp_path / "pvd-bis.csv", french_dates=True)
    assert run(data_dir, "reference", "import", str(pvd.path), str(twice.path)) == 2
    assert "deux fichiers du même jeu de données" in capsys.readouterr().err
    assert held(data_dir) == []


def test_a_missing_file_and_bad_usage_are_french(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "reference", "import", str(tmp_path / "absent.csv")) == 2
    assert "absent.csv : fichier introuvable" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        run(data_dir, "reference", "import")
    assert done.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_a_damaged_file_among_good_ones_leaves_only_its_own_dataset_unchanged(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = write_ssmsi(tmp_path / "base-2025.csv.gz", departements=["15"], communes=10)
    assert run(data_dir, "reference", "import", str(first.path)) == 0
    cut = write_ssmsi(tmp_path / "base-2026.csv.gz", departements=["15"], geography=2026)
    cut.path.write_bytes(cut.path.read_bytes()[:-300])  # a download cut short
    pvd = write_pvd(tmp_path / "pvd.csv")
    capsys.readouterr()
    assert run(data_dir, "reference", "import", str(cut.path), str(pvd.path)) == 2
    err = capsys.readouterr().err
    assert "base-2026.csv.gz, ligne " in err
    assert "fichier compressé incomplet ou endommagé (téléchargement interrompu ?)" in err
    assert "jeu de données inchangé" in err and "Traceback" not in err
    assert f"pvd.csv : Petites Villes de demain (liste des communes), {pvd.rows} ligne(s)" in err
    editions = {dataset: edition for dataset, edition, _rows in held(data_dir)}
    assert editions["ssmsi"] == "géographie 2025, faits 2016–2024"  # the old edition stays
    assert "pvd" in editions  # the good file of the same command went in


def test_an_edition_name_is_for_one_file_only(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pvd, frr = write_pvd(tmp_path / "pvd.csv").path, write_frr(tmp_path / "frr.csv").path
    assert run(data_dir, "reference", "import", "--edition", "mars 2025", str(pvd), str(frr)) == 2
    assert "--edition nomme l'édition d'un seul fichier" in capsys.readouterr().err
    assert held(data_dir) == []
    assert run(data_dir, "reference", "import", "--edition", "mars 2025", str(pvd)) == 0
    assert [(d, e) for d, e, _n in held(data_dir)] == [("pvd", "mars 2025")]


def test_a_folder_given_as_a_file_is_french(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "telechargements"
    folder.mkdir()
    assert run(data_dir, "reference", "import", str(folder)) == 2
    assert "telechargements : c'est un dossier : donnez le fichier publié" in (
        capsys.readouterr().err
    )


def test_nothing_imported_is_listed_as_such(
    data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "reference", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(line.endswith("\tnon importé") for line in lines)
    assert run(data_dir, "reference", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def saint_flour(tmp_path: Path) -> list[Path]:
    """Saint-Flour (15187), 2020–2024: 20 burglaries rising to 28, armed robbery never
    published (ndiff, the département's figure given beside); a PVD town signed on
    15/03/2021; a brigade in the commune."""
    rows = []
    for year in range(2020, 2025):
        rows += [
            ssmsi_row("15187", year, BURGLARIES, 2 * (year - 2010), pop=6391, dwellings=4052.5),
            ssmsi_row("15187", year, ARMED, None, pop=6391, complement=("41", "0,37")),
        ]
    ssmsi = write_ssmsi(tmp_path / "base.csv.gz", rows=rows).path
    pvd = tmp_path / "pvd.csv"
    pvd.write_text(
        "insee_com,lib_com,id_pvd,date_signature\n15187,Saint-Flour,PVD-0042,15/03/2021\n"
    )
    unit = gendarmerie_unit("15187", "Saint-Flour", 7)
    brigade = write_gendarmerie(tmp_path / "unites.csv", departements=[], extra=[unit]).path
    return [ssmsi, pvd, brigade, write_frr(tmp_path / "frr.csv", departements=["15"]).path]


def test_communes_show_prints_the_card_and_the_trends(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "reference", "import", *map(str, saint_flour(tmp_path))) == 0
    capsys.readouterr()
    assert run(data_dir, "communes", "show", "15187") == 0
    text = capsys.readouterr().out
    assert text.startswith("Saint-Flour (15187) — Cantal (15), Auvergne-Rhône-Alpes\n")
    assert "Intercommunalité : CC de Saint-Flour (200066660)" in text
    assert "Petites Villes de demain : oui (PVD-0042), convention signée le 15/03/2021" in text
    assert f"France Ruralités Revitalisation : {frr_class('15187')} — édition « frr »" in text
    assert "Gendarmerie (unités de la commune) :\n  Brigade de gendarmerie de Saint-Flour" in text
    assert "Délinquance enregistrée — SSMSI, base communale de la délinquance enregistrée, " in text
    assert "Tendances 2020–2024 (proposées pour le « Constat de la délinquance »" in text
    assert (
        "    - Cambriolages de logement : 28 en 2024 (6,9 pour 1 000 logements), contre 20 "
        "en 2020 : en hausse (+40 %)" in text
    )
    assert f"    - {ARMED} : non diffusé sur 2020–2024" in text  # named, never a 0
    lines = text.splitlines()
    armed = lines[lines.index(f"  {ARMED} (infraction, taux pour 1 000 habitants)") + 1]
    assert armed.split()[1:] == ["non", "diffusé"] * 5
    assert not data_dir.database.exists()  # public data only: the store was never opened


def test_communes_show_json_has_the_card_the_trends_and_the_proposal(
    data_dir: DataDir, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(data_dir, "reference", "import", *map(str, saint_flour(tmp_path)))
    capsys.readouterr()
    assert run(data_dir, "communes", "show", "15187", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["code"], document["pvd"]["date_signature"]) == ("15187", "2021-03-15")
    assert document["crime"]["years"] == [2020, 2021, 2022, 2023, 2024]
    armed = next(s for s in document["crime"]["indicators"] if s["label"] == ARMED)
    assert {(c["count"], c["shown"]) for c in armed["cells"]} == {(None, "non diffusé")}
    assert {c["departement_rate"] for c in armed["cells"]} == {0.37}  # the département's
    trends = {trend["label"]: trend for trend in document["trends"]}
    assert (trends[BURGLARIES]["direction"], trends[BURGLARIES]["last_count"]) == ("hausse", 28)
    assert trends[ARMED]["published_years"] == 0 and trends[ARMED]["last_count"] is None
    proposal = document["constat_proposal"]
    assert proposal["sources_consultees"] == ["ssmsi"]
    assert proposal["date_donnees"] == "2024-12-31" and proposal["donnees_non_diffusees"] == "oui"
    assert proposal["periode_analysee"] == "2020 à 2024 (SSMSI, base communale, édition 2025)"
    assert proposal["constat_synthese"].endswith("Licence Ouverte 2.0.")


def test_communes_show_without_public_data_says_what_is_missing(
    data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "communes", "show", "2A004") == 0
    text = capsys.readouterr().out
    assert text.startswith("Ajaccio (2A004) — Corse-du-Sud (2A)")
    assert "Petites Villes de demain : inconnu (liste PVD non importée)" in text
    assert "Délinquance enregistrée : base communale du SSMSI non importée" in text
    assert run(data_dir, "communes", "show", "2A004", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["crime"] is None and document["trends"] == []
    assert document["constat_proposal"] is None


def test_communes_show_of_an_unknown_code_exits_2(
    data_dir: DataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, "communes", "show", "1518") == 2
    assert "fieldvisit : Commune inconnue : « 1518 » (code INSEE à 5 caractères)." in (
        capsys.readouterr().err
    )
    with pytest.raises(SystemExit) as done:
        run(data_dir, "communes", "show")
    assert done.value.code == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err
