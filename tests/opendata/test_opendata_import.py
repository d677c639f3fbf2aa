"""Importing published files into a laptop's public data: a dataset is replaced only by
a whole good file, streamed, and the département figures are summed from it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldvisit.opendata.importer import import_file
from fieldvisit.opendata.store import FORMAT, WHOLE_FILE, PublicDataError, PublicDataStore
from fieldvisit.reference.datasets import DatasetError
from public_data_files import ssmsi_row, write_pvd, write_ssmsi

NOW = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> PublicDataStore:
    opened = PublicDataStore(tmp_path / "cache" / "reference" / "public-data.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def snapshot(store: PublicDataStore) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table: what « nothing changed » is checked against."""
    with store.reading() as db:
        tables = [
            name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {name: sorted(db.execute(f"SELECT * FROM {name}").fetchall()) for name in tables}


def series(store: PublicDataStore, code: str) -> dict[str, dict[str, list[object]]]:
    with store.reading() as db:
        rows = db.execute(
            "SELECT i.label, s.years FROM ssmsi_series s JOIN ssmsi_indicators i "
            "ON i.id = s.indicator WHERE s.code = ?",
            (code,),
        ).fetchall()
    return {label: json.loads(years) for label, years in rows}


def test_a_file_is_imported_with_every_row_as_published(
    store: PublicDataStore, tmp_path: Path
) -> None:
    written = write_ssmsi(tmp_path / "base.csv.gz", departements=["15", "43"])
    result = import_file(store, written.path, now=NOW)
    assert result.rows == written.rows and result.departements == ("15", "43")
    assert result.edition == "géographie 2025, faits 2016–2024"
    assert "ne sont pas diffusées" in result.describe()
    (part,) = store.parts()
    assert (part.dataset, part.departement, part.rows) == ("ssmsi", WHOLE_FILE, written.rows)
    assert part.details["geography"] == 2025 and part.details["last_year"] == 2024
    with store.reading() as db:
        stored = sum(
            len(json.loads(years)) for (years,) in db.execute("SELECT years FROM ssmsi_series")
        )
    assert stored == written.rows


def test_the_departement_figures_sum_only_published_communes_and_keep_the_file_s_own(
    store: PublicDataStore, tmp_path: Path
) -> None:
    rows = [
        ssmsi_row("15187", 2024, count=30, dwellings=3000),
        ssmsi_row("15014", 2024, count=90, dwellings=15000),
        ssmsi_row("15001", 2024, count=None, complement=("41", "2,75")),
        ssmsi_row("15002", 2024, count=None, complement=("41", "2,75")),
    ]
    path = tmp_path / "base.csv"
    write_ssmsi(path, rows=rows)
    import_file(store, path, now=NOW)
    with store.reading() as db:
        (total,) = db.execute("SELECT * FROM ssmsi_departements").fetchall()
    departement, year, _indicator, communes, diffused, count, denominator, file_n, file_t = total
    assert (departement, year, communes, diffused, count) == ("15", 2024, 4, 2, 120)
    assert denominator == 18000  # dwellings of the two published communes only
    assert (file_n, file_t) == (41, 2.75)
    # The non-published communes hold no figure of their own: not the departmental one.
    assert series(store, "15001")["Cambriolages de logement"]["2024"] == [None, None, 0]


def test_a_damaged_file_changes_nothing_of_the_dataset_it_would_replace(
    store: PublicDataStore, tmp_path: Path
) -> None:
    first = write_ssmsi(tmp_path / "base.csv.gz", departements=["15"])
    import_file(store, first.path, now=NOW)
    write_pvd(tmp_path / "pvd.csv")
    import_file(store, tmp_path / "pvd.csv", now=NOW)
    before = snapshot(store)
    # A new edition whose last rows are damaged: read far into the file before the error.
    good = write_ssmsi(tmp_path / "new.csv", departements=["43"], geography=2026).path
    text = good.read_text(encoding="utf-8")
    good.write_text(text + "43157;2024;Cambriolages de logement;Infraction;x;NA;diff\n")
    with pytest.raises(DatasetError) as caught:
        import_file(store, good, now=NOW)
    assert caught.value.line == len(text.splitlines()) + 1
    assert snapshot(store) == before
    assert store.parts("ssmsi")[0].edition == "géographie 2025, faits 2016–2024"


def test_a_new_edition_replaces_the_dataset_whole(store: PublicDataStore, tmp_path: Path) -> None:
    import_file(store, write_ssmsi(tmp_path / "a.csv", departements=["15"]).path, now=NOW)
    assert series(store, "15187")
    newer = write_ssmsi(tmp_path / "b.csv", departements=["43"], geography=2026)
    import_file(store, newer.path, now=NOW)
    assert series(store, "15187") == {}  # the file is the dataset: the Cantal is gone
    assert series(store, "43157")
    (part,) = store.parts("ssmsi")
    assert part.details["geography"] == 2026 and part.source == "b.csv"


def test_an_unsorted_file_is_merged_commune_by_commune(
    store: PublicDataStore, tmp_path: Path
) -> None:
    rows = [
        ssmsi_row("15187", 2023, count=10),
        ssmsi_row("15014", 2023, count=20),
        ssmsi_row("15187", 2024, count=11),
        ssmsi_row("15187", 2024, "Violences sexuelles", 7),
    ]
    path = tmp_path / "desordre.csv"
    write_ssmsi(path, rows=rows)
    import_file(store, path, now=NOW)
    stored = series(store, "15187")
    assert stored["Cambriolages de logement"]["2023"][0] == 10
    assert stored["Cambriolages de logement"]["2024"][0] == 11
    assert stored["Violences sexuelles"]["2024"][0] == 7
    with store.reading() as db:
        (people,) = db.execute("SELECT years FROM ssmsi_communes WHERE code = '15187'").fetchone()
    assert set(json.loads(people)) == {"2023", "2024"}


def test_an_edition_can_be_named(store: PublicDataStore, tmp_path: Path) -> None:
    written = write_pvd(tmp_path / "liste.csv")
    result = import_file(store, written.path, now=NOW, edition="  liste  de mars 2025 ")
    assert result.edition == "liste de mars 2025"
    assert store.parts("pvd")[0].edition == "liste de mars 2025"


def test_a_store_of_a_newer_app_is_refused_and_an_older_one_is_started_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "public-data.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={FORMAT + 1}")
    with pytest.raises(PublicDataError, match="version plus récente"):
        PublicDataStore(path).parts()
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE old_things (x)")
    store = PublicDataStore(path)
    assert store.parts() == []  # rebuilt: public data comes back from the files or the server
    store.close()


def test_a_damaged_store_file_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "public-data.sqlite3"
    path.write_bytes(b"ceci n'est pas une base SQLite" * 200)
    with pytest.raises(PublicDataError, match="supprimez-le, puis réimportez"):
        PublicDataStore(path).parts()


def test_public_data_code_is_qt_free() -> None:
    """The card, the diagnostic proposal, the search and the importer are read by the
    UI later but import no Qt, no encrypted store and no service."""
    probe = (
        "import sys\n"
        "import fieldvisit.opendata.card, fieldvisit.opendata.card_text, "
        "fieldvisit.opendata.diagnostic, fieldvisit.opendata.search, "
        "fieldvisit.opendata.importer, fieldvisit.opendata.commands, "
        "fieldvisit.sync.public_data\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', "
        "'fieldvisit.ui', 'fieldvisit.store', 'fieldvisit.services'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
