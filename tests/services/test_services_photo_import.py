"""Photos from the phone: EXIF facts, HEIC, dedupe, GPS removal, bad input, proposals."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from fieldvisit.core.errors import BadInput
from fieldvisit.screens.photos import PROPOSAL_WINDOW, load_album, load_link_proposals
from fieldvisit.services import Services, answers, attachments, photo_import, thumbnails, visits
from fieldvisit.services.photo_privacy import LocationPolicy, export_copy
from phone_photos import (
    SAINT_FLOUR,
    exif_of,
    gps_of,
    phone_heic,
    phone_jpeg,
    scan_data,
    with_frame_size,
)

TAKEN = datetime(2026, 3, 14, 10, 42, 5)  # as the phone's clock shows it (+01:00)


@pytest.fixture
def visit(svc: Services):  # type: ignore[no-untyped-def]
    return visits.plan_visit(svc, "15187", date(2026, 3, 14))


def stored_files(svc: Services) -> list[Path]:
    return sorted(p for p in svc.store.files.root.rglob("*") if p.is_file())


def records(svc: Services, visit_id: str) -> list:
    return attachments.list_attachments(svc, visit_id)


def test_exif_time_orientation_and_gps_are_stored_and_photos_sorted_by_time_taken(
    svc: Services, visit, tmp_path: Path
) -> None:
    later = phone_jpeg(tmp_path / "IMG_0002.jpg", TAKEN + timedelta(minutes=5), orientation=6)
    earlier = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN, seed=1, gps=(-21.1151, 55.5364))
    undated = phone_jpeg(tmp_path / "capture.jpg", None, seed=2, gps=None, orientation=None)
    for path in (later, undated, earlier):  # imported out of order
        photo_import.import_photo(svc, visit.id, path)

    album = load_album(svc, visit.id)
    assert [p.filename for p in album.photos] == ["IMG_0001.jpg", "IMG_0002.jpg", "capture.jpg"]
    first, second, third = album.photos
    assert first.taken_at == datetime(2026, 3, 14, 9, 42, 5, tzinfo=UTC)  # +01:00 applied
    assert first.location is not None
    assert first.location.text() == "21,11510° S, 55,53640° E"
    assert second.location is not None
    assert (round(second.location.lat, 5), round(second.location.lon, 5)) == SAINT_FLOUR
    assert third.taken_at is None and third.location is None
    stored = {a.filename: a for a in records(svc, visit.id)}
    assert stored["IMG_0002.jpg"].orientation == 6
    assert stored["capture.jpg"].orientation is None


def test_a_time_without_offset_is_this_computers_local_time(
    svc: Services, visit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        photo = phone_jpeg(tmp_path / "IMG_0100.jpg", datetime(2026, 7, 1, 15, 0, 0), offset=None)
        outcome = photo_import.import_photo(svc, visit.id, photo)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert outcome.attachment is not None
    assert outcome.attachment.taken_at == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # CEST


def test_a_heic_from_an_iphone_is_decoded(svc: Services, visit, tmp_path: Path) -> None:
    heic = phone_heic(tmp_path / "IMG_4012.HEIC", TAKEN)
    outcome = photo_import.import_photo(svc, visit.id, heic)
    photo = outcome.attachment
    assert photo is not None and photo.media_type == "image/heif"
    assert photo.taken_at == datetime(2026, 3, 14, 9, 42, 5, tzinfo=UTC)
    assert photo.gps is not None and round(photo.gps["lat"], 5) == SAINT_FLOUR[0]
    jpeg = thumbnails.thumbnail_bytes(svc, photo.sha256, 64)
    with Image.open(io.BytesIO(jpeg)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 64


def test_the_same_photo_twice_is_stored_once(svc: Services, visit, tmp_path: Path) -> None:
    original = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)
    copy = tmp_path / "copie" / "IMG_0001 (1).jpg"
    copy.parent.mkdir()
    copy.write_bytes(original.read_bytes())

    first = photo_import.import_photo(svc, visit.id, original)
    files_after_first = stored_files(svc)
    again = photo_import.import_photo(svc, visit.id, copy)

    assert first.attachment is not None
    assert again.attachment is None and again.duplicate_of == "IMG_0001.jpg"
    assert len(records(svc, visit.id)) == 1
    assert stored_files(svc) == files_after_first
    # in another visit: its own record, the same encrypted file
    other = visits.plan_visit(svc, "15014", date(2026, 3, 15))
    elsewhere = photo_import.import_photo(svc, other.id, copy)
    assert elsewhere.attachment is not None
    assert elsewhere.attachment.sha256 == first.attachment.sha256
    assert stored_files(svc) == files_after_first


def test_without_location_in_stored_photos_the_file_and_record_keep_no_gps(
    svc: Services, visit, tmp_path: Path
) -> None:
    photo = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN, orientation=6)
    assert gps_of(photo.read_bytes())  # the phone wrote one

    outcome = photo_import.import_photo(svc, visit.id, photo, keep_location=False)
    stored = outcome.attachment
    assert stored is not None and stored.gps is None
    data = attachments.attachment_bytes(svc, stored)
    assert gps_of(data) == {}
    exif = exif_of(data)
    assert exif[0x0112] == 6 and exif.get_ifd(0x8769)[0x9003] == "2026:03:14 10:42:05"
    assert scan_data(data) == scan_data(photo.read_bytes())  # pixels copied, not re-encoded
    assert stored.taken_at is not None


@pytest.mark.parametrize("maker", ["jpeg", "png", "heic"])
def test_an_exported_copy_has_no_gps_unless_the_preferences_keep_it(
    svc: Services, visit, tmp_path: Path, maker: str
) -> None:
    if maker == "jpeg":
        source = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)
    elif maker == "heic":
        source = phone_heic(tmp_path / "IMG_0001.HEIC", TAKEN)
    else:
        source = tmp_path / "capture.png"
        Image.new("RGB", (80, 60), (1, 2, 3)).save(
            source, exif=__import__("phone_photos").phone_exif(TAKEN)
        )
    assert gps_of(source.read_bytes())
    stored = photo_import.import_photo(svc, visit.id, source).attachment
    assert stored is not None
    (tmp_path / "partage").mkdir()
    (tmp_path / "interne").mkdir()

    shared = export_copy(svc, stored.id, tmp_path / "partage" / source.name)
    assert gps_of(shared.read_bytes()) == {}
    assert exif_of(shared.read_bytes()).get_ifd(0x8769)[0x9003] == "2026:03:14 10:42:05"
    kept = export_copy(
        svc, stored.id, tmp_path / "interne" / source.name, LocationPolicy(in_shared_copies=True)
    )
    assert kept.read_bytes() == source.read_bytes()
    assert not list((tmp_path / "partage").glob(".export-*"))


def bad_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "mauvais"
    folder.mkdir()
    good = phone_jpeg(tmp_path / "modele.jpg", TAKEN, size=(800, 600)).read_bytes()
    truncated = folder / "tronquee.jpg"
    truncated.write_bytes(good[: len(good) // 2])
    damaged = folder / "abimee.jpg"
    damaged.write_bytes(good[:600] + b"\x00" * 2000 + good[2600:3000])
    heic = phone_heic(tmp_path / "modele.heic", TAKEN).read_bytes()
    broken_heic = folder / "IMG_9999.HEIC"
    broken_heic.write_bytes(heic[: len(heic) // 3])
    huge = folder / "panorama-200mpx.jpg"
    huge.write_bytes(with_frame_size(good, 16384, 12240))
    big = folder / "grande-150mpx.jpg"  # under Pillow's own guard, over ours
    big.write_bytes(with_frame_size(good, 14142, 10607))
    text = folder / "compte-rendu.docx"
    text.write_bytes(b"PK\x03\x04 not really a document, and not a photo either")
    empty = folder / "vide.jpg"
    empty.write_bytes(b"")
    return {
        "tronquee.jpg": truncated,
        "abimee.jpg": damaged,
        "IMG_9999.HEIC": broken_heic,
        "panorama-200mpx.jpg": huge,
        "grande-150mpx.jpg": big,
        "compte-rendu.docx": text,
        "vide.jpg": empty,
    }


EXPECTED = {
    "tronquee.jpg": "endommagé ou incomplet",
    "abimee.jpg": "endommagé ou incomplet",
    "IMG_9999.HEIC": "cette HEIC ne peut pas être lue",
    "panorama-200mpx.jpg": "image trop grande (201 mégapixels) : la limite est de 120",
    "grande-150mpx.jpg": "150 mégapixels) : la limite est de 120",
    "compte-rendu.docx": "n'est pas une image",
    "vide.jpg": "est vide",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_is_refused_by_name_and_nothing_is_written(
    svc: Services, visit, tmp_path: Path, name: str
) -> None:
    path = bad_files(tmp_path)[name]
    before = stored_files(svc)
    with pytest.raises(BadInput) as refused:
        photo_import.import_photo(svc, visit.id, path)
    assert f"« {name} »" in str(refused.value)
    assert EXPECTED[name] in str(refused.value)
    assert records(svc, visit.id) == []
    assert stored_files(svc) == before


def test_a_bad_file_among_good_ones_stops_only_itself(svc: Services, visit, tmp_path: Path) -> None:
    bad = bad_files(tmp_path)
    good = [phone_jpeg(tmp_path / f"IMG_{n:04}.jpg", TAKEN, seed=n) for n in range(3)]
    refused = []
    for path in [good[0], *bad.values(), good[1], good[2]]:
        try:
            photo_import.import_photo(svc, visit.id, path)
        except BadInput:
            refused.append(path.name)
    assert sorted(refused) == sorted(bad)
    assert sorted(a.filename for a in records(svc, visit.id)) == [p.name for p in good]
    assert len(stored_files(svc)) == 3


def test_a_record_that_cannot_be_written_leaves_no_file(
    svc: Services, visit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)
    before = stored_files(svc)
    calls = []
    real_stamp = svc.stamp

    def failing_stamp(record, new=False):  # type: ignore[no-untyped-def]
        calls.append(record)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(svc, "stamp", failing_stamp)
    with pytest.raises(OSError):
        photo_import.import_photo(svc, visit.id, photo)
    assert len(calls) == 1  # the fault fired once, in the record's transaction
    assert stored_files(svc) == before and records(svc, visit.id) == []

    monkeypatch.setattr(svc, "stamp", real_stamp)
    assert photo_import.import_photo(svc, visit.id, photo).attachment is not None
    assert len(stored_files(svc)) == len(before) + 1


def test_a_folder_of_2000_files_is_listed_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "DCIM"
    (folder / "100APPLE").mkdir(parents=True)
    (folder / ".thumbnails").mkdir()
    for n in range(2000):
        (folder / "100APPLE" / f"IMG_{n:04}.JPG").write_bytes(b"x")
    (folder / ".thumbnails" / "t.jpg").write_bytes(b"x")
    (folder / "100APPLE" / ".DS_Store").write_bytes(b"x")
    (folder / "Thumbs.db").write_bytes(b"x")
    single = phone_jpeg(tmp_path / "extra.jpg", TAKEN)

    found = photo_import.photo_files([folder, single])
    assert found.folders == 1 and len(found.files) == 2001
    assert found.files[0].name == "IMG_0000.JPG" and found.files[-1] == single


def test_a_folder_with_too_many_files_is_refused_before_any_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(photo_import, "MAX_IMPORT_FILES", 50)
    folder = tmp_path / "Documents"
    folder.mkdir()
    for n in range(51):
        (folder / f"f{n}.txt").write_bytes(b"x")
    with pytest.raises(BadInput, match="« Documents » contient plus de 50 fichiers"):
        photo_import.photo_files([folder])


def test_photos_are_proposed_for_the_item_answered_when_they_were_taken(
    svc: Services, visit, tmp_path: Path
) -> None:
    choices = [c for c in load_album(svc, visit.id).choices if not c.is_photo]
    first, second = choices[0], choices[1]
    walk = datetime(2026, 3, 14, 9, 40, tzinfo=UTC)
    svc.clock.now = walk  # type: ignore[attr-defined]  # StepClock: +1 s per stamp
    answers.answer_item(svc, visit.id, first.form_id, first.item_id, comment="Éclairage faible")
    svc.clock.now = walk + timedelta(minutes=20)  # type: ignore[attr-defined]
    answers.answer_item(svc, visit.id, second.form_id, second.item_id, comment="Caméra HS")

    # photos taken at 10:42 (+01:00) = 09:42 UTC, 10:59 and 11:30 local
    near_first = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)
    near_second = phone_jpeg(tmp_path / "IMG_0002.jpg", TAKEN + timedelta(minutes=17), seed=1)
    far = phone_jpeg(tmp_path / "IMG_0003.jpg", TAKEN + timedelta(minutes=48), seed=2)
    undated = phone_jpeg(tmp_path / "IMG_0004.jpg", None, seed=3)
    ids = [
        photo_import.import_photo(svc, visit.id, p).attachment.id  # type: ignore[union-attr]
        for p in (near_first, near_second, far, undated)
    ]

    proposals = load_link_proposals(svc, visit.id, ids)
    assert [(p.photo.filename, p.item_id) for p in proposals] == [
        ("IMG_0001.jpg", first.item_id),
        ("IMG_0002.jpg", second.item_id),
    ]
    assert proposals[1].answered_at - proposals[1].photo.taken_at <= PROPOSAL_WINDOW  # type: ignore[operator]
    # nothing is linked until the person confirms
    assert all(a.item_id is None for a in records(svc, visit.id))


def test_an_annotation_is_stored_apart_from_the_photo(svc: Services, visit, tmp_path: Path) -> None:
    photo = phone_jpeg(tmp_path / "IMG_0001.jpg", TAKEN)
    stored = photo_import.import_photo(svc, visit.id, photo).attachment
    assert stored is not None
    shapes = {
        "v": 1,
        "shapes": [{"k": "circle", "p": [0.2, 0.2, 0.6, 0.7], "c": "#e53935", "t": ""}],
    }
    attachments.annotate(svc, stored.id, shapes)
    again = records(svc, visit.id)[0]
    assert again.annotation == shapes
    assert attachments.attachment_bytes(svc, again) == photo.read_bytes()
    with pytest.raises(BadInput, match="coordonnée hors de la photo"):
        attachments.annotate(
            svc,
            stored.id,
            {"v": 1, "shapes": [{"k": "rect", "p": [0, 0, 2, 1], "c": "#e53935", "t": ""}]},
        )
    attachments.annotate(svc, stored.id, None)
    assert records(svc, visit.id)[0].annotation is None
