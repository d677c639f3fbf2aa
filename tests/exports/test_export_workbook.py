"""The spreadsheet export, opened back with openpyxl and read as Excel would read the CSV."""

from __future__ import annotations

import csv
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from export_samples import PUBLIC_ACTION, PUBLIC_ANSWER, SECRETS

from fieldvisit.cli import main
from fieldvisit.core.geo import LocationPolicy
from fieldvisit.exports.tables import ExportScope
from fieldvisit.exports.workbook import write_csv_folder, write_workbook
from fieldvisit.report.model import build_report
from fieldvisit.services import observations, photo_import, visits
from phone_photos import phone_jpeg

SHEETS = ["Visites", "Réponses", "Observations", "Entretiens", "Diagnostic", "Actions"]


def rows_of(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book}


def as_dicts(rows: list[list[object]]) -> list[dict[str, object]]:
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def raw_bytes(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_workbook_sheets_typed_cells_frozen_headers_and_filters(services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "visites.xlsx"
    counts = write_workbook(services, target, ExportScope())
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    for sheet in book:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" + str(
            sheet.max_row
        ), sheet.title
        assert sheet.max_row == counts[sheet.title] + 1
    data = {name: as_dicts(rows) for name, rows in rows_of(target).items()}

    assert [v["Commune"] for v in data["Visites"]] == ["Saint-Flour", "Lodève", "Saint-Flour"]
    first = data["Visites"][0]
    assert first["Date de la visite"] == datetime(2026, 3, 12)  # a date cell, not text
    assert first["Statut"] == "En cours" and first["Participants"] == "Mme Hélène Vidal"
    assert str(first["Référence"]).startswith("SQ-15187-20260312-")
    assert book["Visites"]["E2"].is_date and book["Visites"]["E2"].number_format == "dd/mm/yyyy"

    answers = {a["Élément"]: a for a in data["Réponses"]}
    assert answers["nb_agents_pm"]["Réponse"] == 4  # a number cell
    # v3: « Date de la visite » is the visit's own date (Visites sheet), not an answer.
    assert "date_visite" not in answers
    assert answers["eclairage_qualite"]["Réponse"] == 2
    assert answers["eclairage_qualite"]["Commentaire"] == "Éclairage faible"
    assert answers["rassemblements_constates"]["Réponse"] == "Oui"
    nuisances = answers["nuisances"]
    assert nuisances["Formulaire"] and nuisances["Section"] and nuisances["Question"]
    assert " ; " in str(nuisances["Réponse"])
    # the checklist first, then the diagnostic, as in the report
    forms = [a["Formulaire"] for a in data["Réponses"]]
    assert forms.index(answers["nb_agents_pm"]["Formulaire"]) > forms.index(nuisances["Formulaire"])

    interview = data["Entretiens"]
    assert [r["Réponse"] for r in interview] == [PUBLIC_ANSWER]
    assert interview[0]["Personnes rencontrées"] == "Adjudant-chef Marc Delpuech"
    assert interview[0]["Date de l'entretien"] == datetime(2026, 3, 12)

    ratings = {r["Thème"]: r for r in data["Diagnostic"]}
    assert ratings["Cambriolages"]["Niveau"] == 4
    assert ratings["Cambriolages"]["Niveau (libellé)"] == "Très préoccupant"

    (action,) = data["Actions"]
    assert action["Action"] == PUBLIC_ACTION and action["Priorité"] == 1
    assert action["Échéance"] == datetime(2026, 6, 30) and action["Statut"] == "À engager"
    assert action["Thème"] == "Rodéos motorisés" and action["Origine"] == "Nouvelle"

    raw = raw_bytes(target)
    for needle in SECRETS.values():
        assert needle.encode() not in raw, needle


def test_internal_workbook_has_the_confidential_items(services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "interne.xlsx"
    write_workbook(services, target, ExportScope(internal=True))
    data = {name: as_dicts(rows) for name, rows in rows_of(target).items()}
    answers = {a["Élément"]: a for a in data["Réponses"]}
    assert answers["stupefiants_indices"]["Réponse"] == SECRETS["checklist"]
    assert answers["stupefiants_indices"]["Commentaire"] == SECRETS["checklist_comment"]
    said = [r["Réponse"] for r in data["Entretiens"]]
    assert SECRETS["interview"] in said and SECRETS["notes"] in said


def test_commune_filter(services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "lodeve.xlsx"
    counts = write_workbook(services, target, ExportScope.of(communes=["34142"]))
    assert counts == {
        "Visites": 1,
        "Réponses": 0,
        "Observations": 0,
        "Entretiens": 0,
        "Diagnostic": 0,
        "Actions": 0,
    }
    assert as_dicts(rows_of(target)["Visites"])[0]["Commune"] == "Lodève"


def test_csv_files_open_in_a_french_excel(services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "csv"
    written = write_csv_folder(services, folder, ExportScope())
    assert [p.name for p in written] == [
        "visites.csv",
        "reponses.csv",
        "observations.csv",
        "entretiens.csv",
        "diagnostic.csv",
        "actions.csv",
    ]
    raw = (folder / "actions.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    with (folder / "actions.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0][:4] == ["Commune (INSEE)", "Commune", "Date de la visite", "Priorité"]
    assert (
        rows[1][1] == "Saint-Flour" and rows[1][2] == "2026-03-12" and rows[1][4] == PUBLIC_ACTION
    )
    everything = b"".join(p.read_bytes() for p in written)
    for needle in SECRETS.values():
        assert needle.encode() not in everything


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_export_cli_and_its_bad_inputs(capsys, services, sample, tmp_path, unwritable_dir) -> None:  # type: ignore[no-untyped-def]
    data = str(services.data_dir.root)
    services.close()
    target = tmp_path / "visites.xlsx"
    code, err = run(capsys, "--data-dir", data, "export", "xlsx", "-o", str(target), "--internal")
    assert code == 0, err
    assert "Classeur écrit" in err and "Visites 3" in err
    assert SECRETS["interview"].encode() in raw_bytes(target)
    before = target.read_bytes()

    # already there: exit 2, untouched; --force replaces it (here without the secrets)
    code, err = run(capsys, "--data-dir", data, "export", "xlsx", "-o", str(target))
    assert code == 2 and "existe déjà" in err and "--force" in err
    assert target.read_bytes() == before
    code, err = run(capsys, "--data-dir", data, "export", "xlsx", "-o", str(target), "--force")
    assert code == 0, err
    assert SECRETS["interview"].encode() not in raw_bytes(target)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")] == []

    # nowhere to write: exit 2, a French reason, no partial file
    entries = sorted(p.name for p in unwritable_dir.iterdir())
    for argv in (
        ["xlsx", "-o", str(unwritable_dir / "v.xlsx")],
        ["csv", "-o", str(unwritable_dir)],
        ["ics", "-o", str(unwritable_dir / "v.ics")],
    ):
        code, err = run(capsys, "--data-dir", data, "export", *argv)
        assert code == 2, argv
        assert "Impossible d'écrire" in err and "Traceback" not in err, err
    assert sorted(p.name for p in unwritable_dir.iterdir()) == entries

    # an existing CSV stops the whole export before any file is written
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "actions.csv").write_text("à garder", encoding="utf-8")
    code, err = run(capsys, "--data-dir", data, "export", "csv", "-o", str(folder))
    assert code == 2 and "actions.csv existe déjà" in err
    assert sorted(p.name for p in folder.iterdir()) == ["actions.csv"]
    assert (folder / "actions.csv").read_text(encoding="utf-8") == "à garder"

    # usage mistakes
    for argv, words in (
        (["xlsx"], "Indiquez où écrire avec -o"),
        (["xlsx", "-o", str(tmp_path / "v.csv")], "doit se terminer par .xlsx"),
        (["xlsx", "-o", str(tmp_path)], "est un dossier"),
        (["xlsx", "-o", str(tmp_path / "x.xlsx"), "--commune", "Paris"], "Code INSEE invalide"),
        (["ics", "-o", str(tmp_path / "v.xlsx")], "doit se terminer par .ics"),
    ):
        code, err = run(capsys, "--data-dir", data, "export", *argv)
        assert code == 2 and words in err, (argv, err)


def test_dates_and_numbers_in_csv_text() -> None:
    from fieldvisit.exports.workbook import csv_text

    assert csv_text(date(2026, 3, 12)) == "2026-03-12"
    assert csv_text(2.5) == "2,5" and csv_text(4) == "4" and csv_text(None) == ""


def test_actions_sheet_has_what_the_contract_needs_as_typed_cells(
    services, sample, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from fieldvisit.services import actions, contacts

    adjointe = contacts.add_contact(
        services,
        "Mme Claire Lefèvre",
        "adjoint",
        "Mairie",
        phone="04 71 60 12 34",
        commune_code="15187",
    )
    actions.add_recommendation(
        services,
        sample.started,
        "Étendre la vidéoprotection",
        priority=2,
        dispositifs=["videoprotection", "fipd"],
        porteur_contact_id=adjointe.id,
        description="Trois caméras place du Marché",
        estimated_cost=12500,
        funding=[("fipd", 6000), ("commune", 4000)],
        success_indicator="Caméras en service avant l'été",
        review_date=date(2026, 10, 1),
    )
    target = tmp_path / "visites.xlsx"
    write_workbook(services, target, ExportScope())
    plain, contract = as_dicts(rows_of(target)["Actions"])
    assert contract["Dispositifs"] == "Vidéoprotection ; FIPD"
    assert contract["Porteur nommé"] == "Mme Claire Lefèvre"
    assert contract["Description"] == "Trois caméras place du Marché"
    assert contract["Coût estimé (€)"] == 12500  # numbers as numbers
    assert contract["Financement total (€)"] == 10000
    assert contract["Financement (détail)"] == "FIPD 6\u00a0000\u00a0€ ; Commune 4\u00a0000\u00a0€"
    assert contract["Indicateur de réussite"] == "Caméras en service avant l'été"
    assert contract["Date de revue"] == datetime(2026, 10, 1)  # a date cell
    sheet = openpyxl.load_workbook(target)["Actions"]
    header = [cell.value for cell in sheet[1]]
    review = sheet.cell(3, header.index("Date de revue") + 1)
    assert review.is_date and review.number_format == "dd/mm/yyyy"
    assert sheet.cell(3, header.index("Coût estimé (€)") + 1).data_type == "n"
    # An action without them: empty cells, not zeros; its single dispositif listed.
    assert plain["Dispositifs"] == "Participation citoyenne"
    assert plain["Coût estimé (€)"] is None and plain["Financement total (€)"] is None
    assert plain["Porteur nommé"] in ("", None) and plain["Date de revue"] is None
    assert b"04 71 60 12 34" not in raw_bytes(target)  # no phone in the sheet


@pytest.fixture
def walked(services, tmp_path):  # type: ignore[no-untyped-def]
    """A walk of three observations (one deleted), two photos (one with a position)."""
    visit = visits.plan_visit(services, "15187", date(2026, 3, 14))
    lamp = photo_import.import_photo(
        services, visit.id, phone_jpeg(tmp_path / "IMG_0101.jpg", datetime(2026, 3, 14, 10, 5))
    ).attachment
    night = photo_import.import_photo(
        services,
        visit.id,
        phone_jpeg(tmp_path / "IMG_0102.jpg", datetime(2026, 3, 14, 10, 9), seed=3, gps=None),
    ).attachment
    assert lamp is not None and night is not None
    observations.add_observation(
        services, visit.id, "depot_sauvage", "moyenne", "Parking de la gare", "Sacs et gravats"
    )
    light = observations.add_observation(
        services,
        visit.id,
        "eclairage",
        "forte",
        "Rue du Marché",
        "Deux lampadaires éteints",
        [night.id, lamp.id],
    )
    gone = observations.add_observation(services, visit.id, "eclairage", "faible", "Effacée")
    observations.delete_observation(services, gone.id)
    observations.create_action(services, light.id, "Réparer l'éclairage rue du Marché")
    return visit


def test_one_row_per_observation_numbered_as_in_the_report(services, walked, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "interne.xlsx"
    counts = write_workbook(services, target, ExportScope(internal=True))
    assert counts["Observations"] == 2  # the deleted one is not there
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == SHEETS
    sheet = book["Observations"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N3"
    rows = as_dicts(rows_of(target)["Observations"])
    report = build_report(services, walked.id)
    assert [(r["N°"], r["Catégorie"], r["Lieu"]) for r in rows] == [
        (o.number, o.category, o.place) for o in report.observations
    ]
    assert [r["N°"] for r in rows] == [1, 2] and rows[0]["Catégorie"] == "Éclairage"
    light, dumping = rows
    assert light["Gravité"] == "Forte" and light["Commentaire"] == "Deux lampadaires éteints"
    assert light["Action liée"] == "Réparer l'éclairage rue du Marché"
    assert (light["Photos"], dumping["Photos"]) == (2, 0)
    # The position of the first of its photos that carries one, as numbers.
    assert (light["Latitude"], light["Longitude"]) == (
        pytest.approx(45.03431, abs=1e-5),
        pytest.approx(3.08382, abs=1e-5),
    )
    assert (dumping["Latitude"], dumping["Longitude"], dumping["Action liée"]) == (None, None, None)
    assert light["Date de la visite"] == datetime(2026, 3, 14)
    assert light["Identifiant de la visite"] == walked.id
    # Typed cells: numbers are numbers, the date a date.
    assert [sheet.cell(2, column).data_type for column in (4, 7, 8, 11)] == ["n"] * 4
    assert sheet.cell(2, 3).is_date


def test_positions_stay_out_of_the_shared_export_unless_the_preferences_keep_them(
    services, walked, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    shared = tmp_path / "partage.xlsx"
    write_workbook(services, shared, ExportScope())
    rows = as_dicts(rows_of(shared)["Observations"])
    assert [(r["Lieu"], r["Latitude"], r["Longitude"]) for r in rows] == [
        ("Rue du Marché", None, None),
        ("Parking de la gare", None, None),
    ]
    assert b"45.03431" not in raw_bytes(shared) and b"3.08382" not in raw_bytes(shared)
    kept = tmp_path / "avec-positions.xlsx"
    write_workbook(services, kept, ExportScope.of(location=LocationPolicy(in_shared_copies=True)))
    assert as_dicts(rows_of(kept)["Observations"])[0]["Latitude"] == pytest.approx(45.03431)
    # The CSV too, with a French decimal comma.
    folder = tmp_path / "csv"
    write_csv_folder(services, folder, ExportScope(internal=True))
    with (folder / "observations.csv").open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f, delimiter=";"))
    assert table[0][3:8] == ["N°", "Catégorie", "Lieu", "Latitude", "Longitude"]
    assert table[1][3:8] == ["1", "Éclairage", "Rue du Marché", "45,03431", "3,08382"]
    assert table[2][3:8] == ["2", "Dépôt sauvage", "Parking de la gare", "", ""]
