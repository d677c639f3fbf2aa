"""A visit exported to an archive and imported into another data dir."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from fieldvisit.core.errors import BadInput
from fieldvisit.paths import DataDir
from fieldvisit.services import (
    Services,
    actions,
    answers,
    attachments,
    contacts,
    diagnostic,
    interviews,
    visits,
)
from fieldvisit.sync.archive import FORMAT_VERSION, export_visit, import_visit


@pytest.fixture
def full_visit(svc: Services, photo: Path):  # type: ignore[no-untyped-def]
    visit = visits.plan_visit(
        svc,
        "15187",
        date(2026, 11, 20),
        checklist_form="test-checklist",
        diagnostic_form="test-diagnostic",
    )
    mayor = contacts.add_contact(svc, "Hélène Vidal", "maire")
    visits.add_participant(svc, visit.id, mayor.id)
    answers.answer_item(svc, visit.id, "test-checklist", "pm_presente", "oui", comment="PM")
    diagnostic.rate_theme(svc, visit.id, "cambriolages", 4, "Série d'octobre")
    interview = interviews.record_interview(
        svc, visit.id, "entretien-elu", interviewee_ids=[mayor.id]
    )
    actions.add_recommendation(svc, visit.id, "Relancer la participation citoyenne")
    attachments.attach_file(svc, visit.id, photo, caption="Place « du marché »")
    return visit, interview


@pytest.fixture
def other(tmp_path: Path, open_services) -> Services:  # type: ignore[no-untyped-def]
    return open_services(DataDir(tmp_path / "other"))


def test_round_trip_keeps_everything_and_twice_does_not_duplicate(
    svc: Services,
    other: Services,
    full_visit,
    tmp_path: Path,
    photo: Path,  # type: ignore[no-untyped-def]
) -> None:
    visit, interview = full_visit
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    first = import_visit(other, archive)
    assert first.created > 0 and first.files_added == 1
    again = import_visit(other, archive)
    assert again.created == 0 and again.updated == 0 and again.files_added == 0
    [row] = visits.list_visits(other)
    assert (row.id, row.commune_name, row.answered) == (visit.id, "Saint-Flour", 1)
    got = answers.visit_answers(other, visit.id, "test-checklist")["pm_presente"]
    assert (got.value, got.comment) == ("oui", "PM")
    assert diagnostic.theme_ratings(other, visit.id)["cambriolages"].level == 4
    assert [c.name for c in interviews.interviewees(other, interview.id)] == ["Hélène Vidal"]
    [att] = attachments.list_attachments(other, visit.id)
    assert att.caption == "Place « du marché »"
    assert attachments.attachment_bytes(other, att) == photo.read_bytes()
    assert [r.text for r in actions.list_recommendations(other, visit.id)] == [
        "Relancer la participation citoyenne"
    ]


def test_newer_local_edits_survive_reimporting_an_older_archive(
    svc: Services,
    full_visit,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    visit, _ = full_visit
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    visits.update_visit(svc, visit.id, summary="Écrit après l'export")
    result = import_visit(svc, archive)
    assert result.created == 0 and result.updated == 0
    assert visits.get_visit(svc, visit.id).summary == "Écrit après l'export"


def _rewrite(archive: Path, target: Path, change) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            new = change(info.filename, data)
            if new is not None:
                dst.writestr(info.filename, new)
    return target


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda name, data: data[: len(data) // 2] if name == "manifest.json" else data,
            "illisible",
        ),
        (lambda name, data: None if name.startswith("attachments/") else data, "manque"),
        (lambda name, data: b"x" + data if name.startswith("attachments/") else data, "empreinte"),
        (
            lambda name, data: (
                data.replace(
                    f'"format_version": {FORMAT_VERSION}'.encode(), b'"format_version": 99'
                )
                if name == "manifest.json"
                else data
            ),
            "non prise en charge",
        ),
        (
            lambda name, data: (
                data.replace(b'"commune_code"', b'"commune_cod"')
                if name == "manifest.json"
                else data
            ),
            "champs manquants",
        ),
        (lambda name, data: None if name == "manifest.json" else data, "pas de manifest"),
    ],
)
def test_a_damaged_archive_changes_nothing(
    svc: Services,
    other: Services,
    full_visit,
    tmp_path: Path,
    damage,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    visit, _ = full_visit
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    broken = _rewrite(archive, tmp_path / "broken.zip", damage)
    with pytest.raises(BadInput, match=message):
        import_visit(other, broken)
    assert visits.list_visits(other) == []
    assert not [p for p in other.data_dir.attachments.rglob("*") if p.is_file()]


def test_not_a_zip_is_refused(other: Services, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"\x00" * 100)
    with pytest.raises(BadInput, match="zip endommagé"):
        import_visit(other, junk)


def test_manifest_is_readable_json(svc: Services, full_visit, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    visit, _ = full_visit
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert manifest["format"] == "fieldvisit-visit-archive"
    assert manifest["visit_id"] == visit.id
    assert len(manifest["records"]["answers"]) == 1


def test_an_export_to_a_folder_or_a_missing_folder_says_so_and_writes_nothing(
    svc: Services,
    full_visit,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    visit, _ = full_visit
    folder = tmp_path / "clé-usb"
    folder.mkdir()
    with pytest.raises(BadInput, match="clé-usb est un dossier"):
        export_visit(svc, visit.id, folder)
    with pytest.raises(BadInput, match=r"absent.* n'existe pas"):
        export_visit(svc, visit.id, tmp_path / "absent" / "visite.zip")
    assert list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")] == []


def test_an_export_that_cannot_be_written_leaves_no_half_file(
    svc: Services,
    full_visit,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    visit, _ = full_visit
    target = tmp_path / "visite.zip"
    sha = attachments.list_attachments(svc, visit.id)[0].sha256
    attachments.files(svc).path_for(sha).unlink()  # a photo lost from the data dir
    with pytest.raises(BadInput, match="Pièce jointe manquante"):
        export_visit(svc, visit.id, target)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".export-")] == []


def test_an_actions_contract_details_and_its_named_porteur_travel_in_the_archive(
    svc: Services, other: Services, tmp_path: Path
) -> None:
    visit = visits.plan_visit(svc, "15187", date(2026, 11, 20))
    # named porteur of an action, not a participant of the visit
    adjointe = contacts.add_contact(svc, "Mme Claire Lefèvre", "adjoint", commune_code="15187")
    actions.add_recommendation(
        svc,
        visit.id,
        "Étendre la vidéoprotection",
        dispositifs=["videoprotection", "fipd"],
        porteur_contact_id=adjointe.id,
        description="Trois caméras",
        estimated_cost=12500,
        funding=[("fipd", 6000), ("commune", 4000)],
        success_indicator="En service avant l'été",
        review_date=date(2027, 3, 1),
    )
    archive = export_visit(svc, visit.id, tmp_path / "visite.zip")
    import_visit(other, archive)
    [rec] = actions.list_recommendations(other, visit.id)
    assert rec.porteur_contact_id == adjointe.id
    assert [c.name for c in contacts.contacts_by_id(other, [adjointe.id])] == ["Mme Claire Lefèvre"]
    assert (rec.dispositifs, rec.dispositif) == (["videoprotection", "fipd"], "videoprotection")
    assert (rec.description, rec.estimated_cost) == ("Trois caméras", 12500)
    assert rec.funding == [
        {"source": "fipd", "amount": 6000},
        {"source": "commune", "amount": 4000},
    ]
    assert (rec.success_indicator, rec.review_date) == ("En service avant l'été", date(2027, 3, 1))
