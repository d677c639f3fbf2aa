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
from fieldvisit.exports.tables import ExportScope
from fieldvisit.exports.workbook import write_csv_folder, write_workbook

SHEETS = ["Visites", "Réponses", "Entretiens", "Diagnostic", "Actions"]


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
    assert counts == {"Visites": 1, "Réponses": 0, "Entretiens": 0, "Diagnostic": 0, "Actions": 0}
    assert as_dicts(rows_of(target)["Visites"])[0]["Commune"] == "Lodève"


def test_csv_files_open_in_a_french_excel(services, sample, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "csv"
    written = write_csv_folder(services, folder, ExportScope())
    assert [p.name for p in written] == [
        "visites.csv",
        "reponses.csv",
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
