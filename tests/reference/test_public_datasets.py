"""Reading the public datasets as data.gouv.fr publishes them: each format, the
variations real files show, and every kind of damage named by file, line and problem."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldvisit.reference.datasets import DatasetError, open_published, recognise
from public_data_files import (
    SSMSI_COLUMNS,
    decimal,
    ssmsi_row,
    write_frr,
    write_gendarmerie,
    write_pvd,
    write_ssmsi,
)

HEADER = "CODGEO_2025;" + ";".join(SSMSI_COLUMNS)


def read(path: Path) -> tuple[str, list[tuple[object, ...]], object]:
    """(dataset key, records, reader) of a file."""
    with open_published(path) as table:
        reader = recognise(table)
        records = [record for _dep, _row, record in reader]
    return reader.info.key, records, reader


def failure(path: Path) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        read(path)
    return caught.value


def ssmsi_text(*lines: str, header: str = HEADER) -> str:
    return "\n".join((header, *lines)) + "\n"


def good_line(code: str = "15187", year: int = 2024, count: int = 12) -> str:
    return ";".join(ssmsi_row(code, year, count=count))


# --- each format, as generated in the published layout -----------------------------------


def test_the_four_datasets_are_recognised_from_their_header(tmp_path: Path) -> None:
    files = {
        "ssmsi": write_ssmsi(tmp_path / "base.csv.gz", departements=["15"], communes=30),
        "pvd": write_pvd(tmp_path / "pvd.csv"),
        "frr": write_frr(tmp_path / "frr.csv"),
        "gendarmerie": write_gendarmerie(tmp_path / "gendarmerie.csv"),
    }
    for key, written in files.items():
        found, records, reader = read(written.path)
        assert found == key
        assert len(records) == written.rows == reader.rows  # type: ignore[attr-defined]
        assert reader.departements <= {"15", "43"}  # type: ignore[attr-defined]


def test_an_ssmsi_row_is_read_with_its_published_values(tmp_path: Path) -> None:
    path = tmp_path / "base.csv"
    burglary = ssmsi_row("15187", 2024, count=31, pop=6391, dwellings=4052.7)
    hidden = ssmsi_row("15187", 2024, "Vols avec armes", None, pop=6391, complement=("41", "0,37"))
    path.write_text(ssmsi_text(";".join(burglary), ";".join(hidden)), encoding="utf-8")
    _key, (shown, not_shown), reader = read(path)
    assert shown[:6] == ("15187", 0, 2024, 31, pytest.approx(31 / 4052.7 * 1000), True)
    assert shown[6:10] == (6391.0, 2021, 4052.7, 2021)
    # ndiff: no figure at all (not zero); the departmental figure stays apart, in its column
    assert not_shown[3:6] == (None, None, False)
    assert not_shown[10:] == (41.0, 0.37)
    assert reader.geography == 2025  # type: ignore[attr-defined]
    assert reader.indicators[0].per_dwelling and not reader.indicators[1].per_dwelling  # type: ignore[attr-defined]


def test_pvd_dates_are_read_in_both_editions_formats(tmp_path: Path) -> None:
    iso = write_pvd(tmp_path / "iso.csv", french_dates=False)
    french = write_pvd(tmp_path / "fr.csv", french_dates=True, with_id=False, delimiter=";")
    _k, iso_records, _r = read(iso.path)
    _k, fr_records, _r = read(french.path)
    assert [r[3] for r in iso_records] == [r[3] for r in fr_records]
    assert iso_records[0][2] == "PVD-0001" and fr_records[0][2] is None
    assert all(r[3] is not None and r[3].year == 2021 for r in iso_records)  # type: ignore[union-attr]


def test_gendarmerie_hours_span_lines_and_gps_is_signed(tmp_path: Path) -> None:
    west = {
        "identifiant_public_unite": "9000001",
        "service": "Brigade de Brest",
        "code_commune_insee": "29019",
        "geocodage_x_GPS": "-4,48",
        "geocodage_y_GPS": "48.39",
        "horaires_accueil": "Lundi : 8h-12h\r\n  Mardi : 14h-18h  \n\n",
    }
    written = write_gendarmerie(tmp_path / "g.csv", departements=["15"], extra=[west])
    _k, records, _r = read(written.path)
    brest = next(r for r in records if r[0] == "9000001")
    assert brest[1] == "29019" and brest[6:8] == (48.39, -4.48)
    assert brest[8] == "Lundi : 8h-12h\nMardi : 14h-18h"
    assert records[0][8].count("\n") == 3  # type: ignore[union-attr]


def test_a_postal_code_that_lost_its_leading_zero_gets_it_back(tmp_path: Path) -> None:
    bourg = {
        "identifiant_public_unite": "9000003",
        "service": "Brigade de Bourg-en-Bresse",
        "code_commune_insee": "1053",
        "code_postal": "1000",
    }
    written = write_gendarmerie(tmp_path / "g.csv", departements=[], extra=[bourg])
    _k, (record,), _r = read(written.path)
    assert (record[1], record[5]) == ("01053", "01000")


def test_a_unit_without_commune_code_is_left_out_and_counted(tmp_path: Path) -> None:
    nowhere = {"identifiant_public_unite": "9000002", "service": "Escadron mobile"}
    written = write_gendarmerie(tmp_path / "g.csv", departements=["15"], extra=[nowhere])
    _k, records, reader = read(written.path)
    assert len(records) == written.rows - 1
    assert reader.without_commune == 1  # type: ignore[attr-defined]


def test_frr_keeps_the_classification_as_published_and_an_empty_one_as_unknown(
    tmp_path: Path,
) -> None:
    written = write_frr(tmp_path / "frr.csv", extra=[["63001", "63", "Aigueperse", ""]])
    _k, records, _r = read(written.path)
    classes = {r[3] for r in records}
    assert {"FRR socle", "FRR+", "non classée"} <= classes
    assert next(r for r in records if r[0] == "63001")[3] is None  # never « non classée »


# --- what real files vary in ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encodings_bom_and_line_ends_give_the_same_records(
    tmp_path: Path, encoding: str, newline: str
) -> None:
    reference = write_frr(tmp_path / "ref.csv", departements=["15"])
    other = write_frr(
        tmp_path / "other.csv", departements=["15"], encoding=encoding, newline=newline
    )
    assert read(other.path)[1] == read(reference.path)[1]
    assert any("é" in (r[2] or "") for r in read(other.path)[1])  # accents survive


def test_gzip_or_not_same_records(tmp_path: Path) -> None:
    plain = write_ssmsi(tmp_path / "base.csv", departements=["43"], communes=20)
    packed = write_ssmsi(tmp_path / "base.csv.gz", departements=["43"], communes=20)
    with gzip.open(packed.path) as unpacked:
        assert unpacked.read(8) == plain.path.read_bytes()[:8]
    assert read(plain.path)[1] == read(packed.path)[1]


def test_column_order_quotes_and_a_trailing_separator_do_not_matter(tmp_path: Path) -> None:
    columns = ["CODGEO_2025", *SSMSI_COLUMNS]
    row = ssmsi_row("15187", 2024, count=7)
    order = list(reversed(range(len(columns))))
    text = ";".join(f'"{columns[i]}"' for i in order) + ";\r\n"
    text += ";".join(f'"{row[i]}"' for i in order) + ";\r\n\r\n"
    path = tmp_path / "shuffled.csv"
    path.write_text(text, encoding="utf-8")
    straight = tmp_path / "straight.csv"
    straight.write_text(ssmsi_text(";".join(row)), encoding="utf-8")
    assert read(path)[1] == read(straight)[1]


def test_a_code_that_lost_its_leading_zero_in_a_spreadsheet_gets_it_back(tmp_path: Path) -> None:
    path = tmp_path / "pvd.csv"
    path.write_text("insee_com,lib_com,date_signature\n1053,Bourg-en-Bresse,2021-04-01\n")
    assert read(path)[1][0][0] == "01053"


def test_corsica_and_overseas_codes_have_their_departement(tmp_path: Path) -> None:
    path = tmp_path / "pvd.csv"
    path.write_text(
        "insee_com;lib_com;date_signature\n2A004;Ajaccio;\n97411;Saint-Denis;15/06/2021\n"
    )
    with open_published(path) as table:
        reader = recognise(table)
        departements = [dep for dep, _row, _record in reader]
    assert departements == ["2A", "974"]


def test_the_geography_year_is_the_suffix_of_the_codgeo_column(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(ssmsi_text(good_line(), header=HEADER.replace("2025", "2016")))
    _k, _records, reader = read(path)
    assert reader.geography == 2016  # type: ignore[attr-defined]
    assert reader.edition(path.name) == "géographie 2016, faits 2024–2024"  # type: ignore[attr-defined]


# --- damage: the file, the line and the problem ------------------------------------------

Damage = Callable[[Path], None]


def cut_gzip(path: Path) -> None:
    write_ssmsi(path, departements=["15"], communes=40, compress=True)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _write(text: str, encoding: str = "utf-8") -> Damage:
    return lambda path: path.write_text(text, encoding=encoding)


DAMAGES: dict[str, tuple[Damage, int | None, str]] = {
    "unknown header": (
        _write("nom;prenom;age\nDupont;Jean;42\n"),
        1,
        "jeu de données non reconnu",
    ),
    "a column missing": (
        _write(ssmsi_text(good_line(), header=HEADER.replace(";taux_pour_mille", ""))),
        1,
        "colonne(s) absente(s) : taux_pour_mille",
    ),
    "a row cut short": (
        _write(ssmsi_text(good_line(), good_line(year=2023).rsplit(";", 3)[0])),
        3,
        "10 colonnes au lieu de 13",
    ),
    "a quote never closed": (
        _write(ssmsi_text(good_line(), '15187;2023;"Cambriolages de logement;Infraction')),
        3,
        "ligne mal formée",
    ),
    "an unreadable number": (
        _write(ssmsi_text(good_line(), good_line(year=2023).replace(";2000;", ";deux mille;"))),
        3,
        "insee_pop : nombre illisible « deux mille »",
    ),
    "a negative count": (
        _write(
            ssmsi_text(
                ";".join(ssmsi_row("15187", 2024, count=12, rate="1")).replace(";12;", ";-12;")
            )
        ),
        2,
        "nombre : valeur négative",
    ),
    "ndiff with a figure": (
        _write(ssmsi_text(";".join(ssmsi_row("15187", 2024, count=3, state="ndiff")))),
        2,
        "donnée non diffusée (ndiff) avec un nombre",
    ),
    "diff without a figure": (
        _write(ssmsi_text(";".join(ssmsi_row("15187", 2024, count=None, state="diff")))),
        2,
        "donnée diffusée (diff) sans nombre",
    ),
    "an unknown diffusion state": (
        _write(ssmsi_text(";".join(ssmsi_row("15187", 2024, count=4, state="secret")))),
        2,
        "est_diffuse : « secret » au lieu de diff ou ndiff",
    ),
    "a duplicated row": (
        _write(ssmsi_text(good_line(), good_line(year=2023), good_line(count=13))),
        4,
        "ligne en double : commune 15187, 2024, « Cambriolages de logement »",
    ),
    "burglaries per inhabitant": (
        _write(
            ssmsi_text(";".join(ssmsi_row("15187", 2024, count=20, rate=decimal(20 / 2000 * 1000))))
        ),
        2,
        "taux rapporté aux habitants, alors que les cambriolages se comptent pour 1 000 logements",
    ),
    "a rate that fits nothing": (
        _write(
            ssmsi_text(";".join(ssmsi_row("15187", 2024, "Violences sexuelles", 20, rate="55,5")))
        ),
        2,
        "taux 55.5 ‰ incohérent avec 20 faits",
    ),
    "a bad commune code": (
        _write(ssmsi_text(good_line(), good_line(code="1518X"))),
        3,
        "code commune INSEE invalide « 1518X »",
    ),
    "a year out of range": (
        _write(ssmsi_text(good_line(year=1985))),
        2,
        "année 1985 hors de la période",
    ),
    "a bad PVD date": (
        _write("insee_com,lib_com,date_signature\n15187,Saint-Flour,31/02/2021\n"),
        2,
        "date_signature : date illisible « 31/02/2021 »",
    ),
    "a PVD town listed twice differently": (
        _write(
            "insee_com,lib_com,date_signature\n15187,Saint-Flour,2021-01-01\n"
            "15187,Saint-Flour,2022-01-01\n"
        ),
        3,
        "commune 15187 déjà listée avec d'autres valeurs",
    ),
    "a stray latin-1 byte far into a UTF-8 file": (
        lambda path: path.write_bytes(
            (
                "insee_com,lib_com,date_signature\n15187,Saint-Flour é,2021-01-01\n"
                + "15014,Aurillac,2021-01-01\n" * 60_000
            ).encode()
            + "43157,Le Puy-en-Velay é,\n".encode("cp1252")
        ),
        60_003,
        "caractère illisible en utf-8",
    ),
    "UTF-8 and latin-1 mixed at the start": (
        lambda path: path.write_bytes(
            "insee_com,lib_com,date_signature\n15187,Saint-Flour é,2021-01-01\n".encode()
            + "43157,Le Puy-en-Velay é,\n".encode("cp1252")
        ),
        3,
        "encodages mélangés",
    ),
    "a gzip cut in the middle": (lambda path: cut_gzip(path), None, "incomplet ou endommagé"),
    "a zip archive": (lambda path: path.write_bytes(b"PK\x03\x04rest"), None, "archive ZIP"),
    "a parquet file": (lambda path: path.write_bytes(b"PAR1rest"), None, "fichier Parquet"),
    "an empty file": (_write(""), None, "fichier vide"),
    "a header without rows": (_write(HEADER + "\n"), None, "aucune ligne de données"),
    "no separator": (_write("une ligne de texte\n"), 1, "en-tête sans séparateur"),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_each_kind_of_damage_names_the_file_the_line_and_the_problem(
    tmp_path: Path, damage: str
) -> None:
    make, line, problem = DAMAGES[damage]
    path = tmp_path / "donnees-publiques.csv"
    make(path)
    error = failure(path)
    assert error.source == path.name
    assert error.line == line, str(error)
    assert problem in error.problem, str(error)
    where = f"{path.name}, ligne {line} : " if line else f"{path.name} : "
    assert str(error).startswith(where)


def test_a_cut_gzip_is_found_whatever_was_read_before(tmp_path: Path) -> None:
    """The cut comes after many good rows: the error still names where reading stopped."""
    path = tmp_path / "base.csv.gz"
    write_ssmsi(path, departements=["15"])
    path.write_bytes(path.read_bytes()[:-200])
    error = failure(path)
    assert error.line is not None and error.line > 10_000
    assert "incomplet ou endommagé" in error.problem


def test_a_file_of_another_program_with_one_known_column_is_not_taken_for_a_dataset(
    tmp_path: Path,
) -> None:
    path = tmp_path / "autre.csv"
    path.write_text("insee_com;population;surface\n15187;6391;26,9\n")
    assert "jeu de données non reconnu" in failure(path).problem


def test_a_missing_file_is_a_french_error(tmp_path: Path) -> None:
    error = failure(tmp_path / "absent.csv.gz")
    assert "fichier introuvable" in str(error)
