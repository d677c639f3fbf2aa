"""Encryption at rest: what a lost laptop's disk shows, opening without the key or with a
wrong passphrase, encrypting a plain data dir in place, changing the passphrase."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from fieldvisit.paths import DataDir
from fieldvisit.report.images import prepare_renditions
from fieldvisit.security import KeyFileDamaged, KeyUnavailable, PassphraseRequired, WrongPassphrase
from fieldvisit.security.keyfile import FAST_TEST_KDF, PRODUCTION_KDF, read_key_file
from fieldvisit.security.keysource import KEYRING_SERVICE, KeySource, PassphraseRequest
from fieldvisit.security.passphrase import change_passphrase
from fieldvisit.security.vault import is_encrypted
from fieldvisit.services import Services, answers, attachments, interviews, notes, thumbnails
from fieldvisit.services import contacts as contacts_service
from fieldvisit.services import visits as visits_service
from fieldvisit.store import CorruptDatabase, open_store
from fieldvisit.store import encryption as encryption_module
from fieldvisit.store.connection import SQLITE_HEADER, connect
from fieldvisit.store.errors import MigrationFailed
from fieldvisit.store.models import Answer, Recommendation, Visit

FIXTURES = Path(__file__).with_name("fixtures")

TYPED = {
    "summary": "Synthèse confidentielle : trafic signalé derrière la salle Zéphyrine-Quillard",
    "answer": "Parcours nocturne rue des Quatre-Vents-Escarboucle",
    "comment": "Commentaire : le maire cite M. Onésime Galabru-Pétrequin",
    "interview": "Notes d'entretien : l'adjudant Ermengarde Vauquelin-Sarrazin signale",
    "interview_answer": "Faits marquants : cambriolages en série au lieu-dit Brocéliandette",
    "quick_note": "Note rapide : appeler Théodebert Malaterre-Oursel avant jeudi",
    "contact": "Gwenaëlle Kerbrat-Ploumanac'h",
}


def scripted(*answers: str | None) -> tuple[KeySource, list[PassphraseRequest]]:
    """A key source without keyring that answers passphrase questions in turn."""
    asked: list[PassphraseRequest] = []
    replies = list(answers)

    def ask(request: PassphraseRequest) -> str | None:
        asked.append(request)
        return replies.pop(0) if replies else None

    return KeySource(ask, keyring=None, kdf=FAST_TEST_KDF), asked


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in files_under(root)
    }


def holders(root: Path, needles: Iterable[bytes]) -> list[tuple[str, bytes]]:
    """(file, needle) for every needle found in any file under root."""
    found = []
    for path in files_under(root):
        content = path.read_bytes()
        found += [(str(path.relative_to(root)), n[:40]) for n in needles if n in content]
    return found


def noisy_jpeg(path: Path, seed: int) -> Path:
    """A photo as a camera leaves it: distinctive compressed bytes (random noise), EXIF
    and a comment, each holding a marker found nowhere else."""
    rng = random.Random(seed)
    image = Image.frombytes(
        "RGB", (320, 240), bytes(rng.randrange(256) for _ in range(320 * 240 * 3))
    )
    exif = Image.Exif()
    exif[0x010F] = f"Appareil-repere-{seed}-Ostrogoth"  # Make
    image.save(path, format="JPEG", quality=90, exif=exif, comment=photo_comment(seed))
    return path


def photo_comment(seed: int) -> bytes:
    return f"Commentaire-repere-{seed}-Wisigoth".encode()


def windows(data: bytes, count: int = 8, width: int = 48) -> list[bytes]:
    step = max(1, (len(data) - width) // (count + 1))
    return [data[i : i + width] for i in range(step, len(data) - width, step)][:count]


# Needles of 8 bytes and more only: a random ciphertext of n bytes holds a given k-byte
# string with probability about n / 2^(8k) (3 bytes in a few MB of WAL: 1 in 5 runs).
NEEDLE_MIN = 8
# What starts any JPEG Pillow writes (SOI + JFIF APP0), and an EXIF block (both orders).
JFIF_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
EXIF_HEADERS = [b"Exif\x00\x00MM\x00*", b"Exif\x00\x00II*\x00"]


def jpeg_segments(data: bytes) -> list[bytes]:
    """Every header segment of a JPEG (APPn, comment, quantisation and Huffman tables,
    frame) up to the start of the compressed data, each a run of the plain file."""
    assert data.startswith(b"\xff\xd8"), data[:4]
    segments, at = [], 2
    while data[at : at + 2] != b"\xff\xda":  # start of scan
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        segments.append(data[at : at + 2 + length])
        at += 2 + length
    return segments


def jpeg_needles(data: bytes) -> list[bytes]:
    """Runs of 8+ bytes that are really in this plain JPEG: its first bytes, each header
    segment, the EXIF header if any, and windows of the compressed image."""
    needles = [data[:20], *jpeg_segments(data), *windows(data)]
    needles += [h for h in EXIF_HEADERS if h in data]
    assert all(len(n) >= NEEDLE_MIN and n in data for n in needles)
    return needles


def _write_everything(svc: Services, tmp_path: Path) -> tuple[bytes, bytes, bytes]:
    visit = visits_service.plan_visit(svc, "15187", date(2026, 3, 12))
    visits_service.update_visit(svc, visit.id, summary=TYPED["summary"])
    answers.answer_item(
        svc, visit.id, "visite-centre-bourg", "parcours", TYPED["answer"], TYPED["comment"]
    )
    contact = contacts_service.add_contact(svc, TYPED["contact"], "maire", phone="06 12 34 56 78")
    interview = interviews.record_interview(
        svc,
        visit.id,
        "entretien-gendarmerie",
        notes=TYPED["interview"],
        interviewee_ids=[contact.id],
    )
    interviews.answer_interview_item(
        svc, interview.id, "faits_marquants", TYPED["interview_answer"]
    )
    notes.add_quick_note(svc, visit.id, TYPED["quick_note"])
    photo = noisy_jpeg(tmp_path / "place.jpg", 1)
    stored = attachments.attach_photo(svc, visit.id, photo, caption="Place du marché")
    thumb = thumbnails.thumbnail_bytes(svc, stored.sha256, 128)
    [rendition] = prepare_renditions(
        [(attachments.attachment_path(svc, stored), stored.sha256)], svc.data_dir.report_images
    )
    assert rendition is not None and rendition.width == 320
    copy = thumbnails.viewable_copy(svc, stored.sha256, "place.jpg")
    assert copy.read_bytes() == photo.read_bytes() and not copy.is_relative_to(svc.data_dir.root)
    svc.store.backup("test")
    drawn = rendition.jpeg_bytes()  # the report's copy, decrypted for drawing
    return photo.read_bytes(), thumb, drawn


def test_no_file_of_the_data_dir_holds_what_was_typed_or_photographed(
    services: Services, tmp_path: Path
) -> None:
    photo, thumb, rendition = _write_everything(services, tmp_path)
    root = services.data_dir.root
    texts = [t.encode("utf-8") for t in TYPED.values()]
    images = [photo, thumb, rendition]
    needles = texts + [n for image in images for n in jpeg_needles(image)]
    needles += [JFIF_HEADER, *EXIF_HEADERS, photo_comment(1), b"Appareil-repere-1-Ostrogoth"]
    needles.append(services.store.keys.master.hex().encode())
    # Each needle is long enough for chance not to put it in a ciphertext, and what the
    # images hold: the plain photo has its EXIF and comment, each image the JPEG header.
    assert min(len(n) for n in needles) >= NEEDLE_MIN
    assert all(image.startswith(JFIF_HEADER) for image in images)
    assert EXIF_HEADERS[0] in photo and photo_comment(1) in photo
    assert b"Appareil-repere-1-Ostrogoth" in photo

    # What was written is really there (read back through the app)…
    with services.store.reading() as session:
        assert session.scalars(select(Visit.summary)).one() == TYPED["summary"]
    assert (
        attachments.attachment_bytes(
            services, attachments.list_photos(services, _visit_id(services))[0]
        )
        == photo
    )
    # …and a plain copy of the same database would show it: the search does find it.
    plain = tmp_path / "plain-copy.sqlite3"
    conn = connect(services.data_dir.database, services.store.keys)
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.close()
    assert TYPED["interview"].encode() in plain.read_bytes()

    # The app is still open: the database has its WAL, with the latest writes.
    wal = Path(f"{services.data_dir.database}-wal")
    assert wal.is_file() and wal.stat().st_size > 0
    assert len(files_under(root / "attachments")) == 1
    assert len(files_under(root / "cache" / "thumbnails")) == 1
    assert len(files_under(root / "cache" / "report-images")) == 1
    assert holders(root, needles) == []

    services.close()
    assert holders(root, needles) == []
    assert not services.store.data_dir.database.read_bytes().startswith(SQLITE_HEADER)


def _visit_id(svc: Services) -> str:
    with svc.store.reading() as session:
        return session.scalars(select(Visit.id)).one()


def test_opening_without_the_key_fails_clearly_and_changes_nothing(data_dir: DataDir) -> None:
    source, _ = scripted("phrase de passe de test")
    open_store(data_dir, keys=source).close()
    before = snapshot(data_dir.root)
    assert read_key_file(data_dir.key_file).passphrase is not None  # type: ignore[union-attr]

    nobody, _ = scripted()  # no keyring, nobody to ask
    with pytest.raises(PassphraseRequired, match="chiffré par une phrase de passe"):
        open_store(data_dir, keys=nobody)
    with pytest.raises(PassphraseRequired, match="FIELDVISIT_PASSPHRASE"):
        Services.open(data_dir, keys=KeySource(keyring=None))
    assert snapshot(data_dir.root) == before


def test_a_key_missing_from_the_keyring_fails_clearly_and_changes_nothing(
    data_dir: DataDir,
) -> None:
    import keyring

    store = open_store(data_dir)  # the test keyring keeps the key
    store.close()
    before = snapshot(data_dir.root)
    keyring.get_keyring().delete_password(KEYRING_SERVICE, store.key_file.key_id)
    with pytest.raises(KeyUnavailable, match="introuvable") as caught:
        open_store(data_dir)
    assert "Rien n'a été modifié" in str(caught.value)
    assert snapshot(data_dir.root) == before


def test_a_missing_or_damaged_key_file_is_reported_untouched(data_dir: DataDir) -> None:
    open_store(data_dir).close()
    key_text = data_dir.key_file.read_bytes()
    data_dir.key_file.unlink()
    before = snapshot(data_dir.root)
    with pytest.raises(CorruptDatabase, match=r"fieldvisit\.key a disparu"):
        open_store(data_dir)
    assert snapshot(data_dir.root) == before
    data_dir.key_file.write_bytes(key_text[:40])
    before = snapshot(data_dir.root)
    with pytest.raises(KeyFileDamaged, match="endommagé"):
        open_store(data_dir)
    assert snapshot(data_dir.root) == before


def test_a_wrong_passphrase_gives_a_clear_message_and_changes_nothing(
    data_dir: DataDir, tmp_path: Path
) -> None:
    source, _ = scripted("la bonne phrase de passe")
    svc = Services.open(data_dir, keys=source)
    planned = visits_service.plan_visit(svc, "15187", date(2026, 3, 12))
    visits_service.update_visit(svc, planned.id, summary="Avant fermeture")
    attachments.attach_photo(svc, _visit_id(svc), noisy_jpeg(tmp_path / "p.jpg", 2))
    svc.close()
    before = snapshot(data_dir.root)

    wrong, asked = scripted("une mauvaise phrase", "encore une mauvaise")
    with pytest.raises(WrongPassphrase, match="Phrase de passe incorrecte") as caught:
        open_store(data_dir, keys=wrong)
    assert "Rien n'a été modifié" in str(caught.value)
    assert [r.attempt for r in asked] == [1, 2, 3]  # asked again after each wrong one
    assert asked[1].error.startswith("Phrase de passe incorrecte")
    assert snapshot(data_dir.root) == before

    retried, _ = scripted("une faute de frappe", "la bonne phrase de passe")
    store = open_store(data_dir, keys=retried)
    with store.reading() as session:
        assert session.scalars(select(Visit.summary)).one() == "Avant fermeture"
    store.close()


def test_changing_the_passphrase_rewrites_no_user_data(data_dir: DataDir, tmp_path: Path) -> None:
    source, _ = scripted("ancienne phrase de passe")
    svc = Services.open(data_dir, keys=source)
    visit = visits_service.plan_visit(svc, "15187", date(2026, 3, 12))
    visits_service.update_visit(svc, visit.id, summary="Gardé tel quel")
    photo = noisy_jpeg(tmp_path / "p.jpg", 3)
    stored = attachments.attach_photo(svc, visit.id, photo)
    svc.store.backup("avant-changement")
    svc.close()
    data = {k: v for k, v in snapshot(data_dir.root).items() if k != "fieldvisit.key"}

    store = open_store(data_dir, keys=scripted("ancienne phrase de passe")[0])
    with pytest.raises(WrongPassphrase):
        change_passphrase(data_dir, store.keys, new="nouvelle phrase", current="pas la bonne")
    change_passphrase(
        data_dir,
        store.keys,
        new="nouvelle phrase de passe",
        current="ancienne phrase de passe",
        kdf=FAST_TEST_KDF,
    )
    store.close()
    after = snapshot(data_dir.root)
    assert {k: v for k, v in after.items() if k != "fieldvisit.key"} == data

    with pytest.raises(WrongPassphrase):
        open_store(data_dir, keys=scripted("ancienne phrase de passe")[0])
    svc = Services.open(data_dir, keys=scripted("nouvelle phrase de passe")[0])
    assert visits_service.get_visit(svc, visit.id).summary == "Gardé tel quel"
    assert attachments.attachment_bytes(svc, stored) == photo.read_bytes()
    svc.close()


def test_a_passphrase_set_beside_the_keyring_opens_where_the_keyring_is_gone(
    data_dir: DataDir,
) -> None:
    store = open_store(data_dir)
    assert store.key_file.in_keyring and store.key_file.passphrase is None
    change_passphrase(data_dir, store.keys, new="phrase de secours", kdf=FAST_TEST_KDF)
    store.close()
    elsewhere, asked = scripted("phrase de secours")  # another session: no keyring
    open_store(data_dir, keys=elsewhere).close()
    assert [r.purpose for r in asked] == ["unlock"]
    open_store(data_dir).close()  # here the keyring still opens it without asking


def test_without_a_keyring_a_new_data_dir_asks_a_passphrase_twice_checked(
    data_dir: DataDir,
) -> None:
    source, asked = scripted("court", "une phrase assez longue")
    open_store(data_dir, keys=source).close()
    assert [r.purpose for r in asked] == ["create", "create"]
    assert "au moins 8 caractères" in asked[1].error
    key_file = read_key_file(data_dir.key_file)
    assert key_file is not None and not key_file.in_keyring
    assert key_file.passphrase is not None and key_file.passphrase.kdf == FAST_TEST_KDF
    assert oct(data_dir.key_file.stat().st_mode & 0o777) == "0o600"
    text = data_dir.key_file.read_text()
    assert "une phrase assez longue" not in text


def test_production_argon2id_parameters_are_strong() -> None:
    assert PRODUCTION_KDF.time_cost >= 3
    assert PRODUCTION_KDF.memory_kib >= 64 * 1024
    assert KeySource().kdf == PRODUCTION_KDF


# --- encrypting a plain data dir in place -----------------------------------------------


def _plain_data_dir(data_dir: DataDir, tmp_path: Path, revision: str) -> dict[str, bytes]:
    """A data dir as an app without encryption left it: the fixture database, plain
    attachment files named by their hash, a plain thumbnail and a plain old backup."""
    data_dir.ensure()
    shutil.copyfile(FIXTURES / f"rev_{revision}.sqlite3", data_dir.database)
    contents = {}
    for n, data in enumerate(
        [noisy_jpeg(tmp_path / "a.jpg", 10).read_bytes(), b"%PDF-1.4 rapport en clair Zanzibar"]
    ):
        sha = hashlib.sha256(data).hexdigest()
        (data_dir.attachments / sha[:2]).mkdir(parents=True, exist_ok=True)
        (data_dir.attachments / sha[:2] / sha).write_bytes(data)
        contents[sha] = data
        if n == 0:
            (data_dir.cache / "thumbnails").mkdir(parents=True)
            (data_dir.cache / "thumbnails" / f"{sha}-256.jpg").write_bytes(data)
    shutil.copyfile(
        FIXTURES / f"rev_{revision}.sqlite3",
        data_dir.backups / "fieldvisit-20260101T000000000000Z-avant-migration-0000.sqlite3",
    )
    return contents


def _check_fixture_data(store) -> None:  # type: ignore[no-untyped-def]
    with store.reading() as session:
        assert (
            session.scalars(select(Visit)).one().summary == "Visite « fixture » : accents é è ç œ."
        )
        assert session.scalars(select(Answer)).one().value == ["a", "b"]
        rec = session.scalars(select(Recommendation)).one()
        assert rec.text == "Relancer la participation citoyenne."


@pytest.mark.parametrize("revision", ["0001", "0003"])
def test_a_plain_data_dir_is_encrypted_in_place_keeping_everything(
    revision: str, data_dir: DataDir, tmp_path: Path
) -> None:
    contents = _plain_data_dir(data_dir, tmp_path, revision)
    photo, document = contents.values()
    needles = [n.encode() for n in ("Visite « fixture »", "Relancer la participation")]
    needles += [b"rapport en clair Zanzibar", *windows(document, width=16)]
    needles += [JFIF_HEADER, EXIF_HEADERS[0], photo_comment(10), *jpeg_needles(photo)]
    assert min(len(n) for n in needles) >= NEEDLE_MIN
    # Before: the plain data dir shows every needle (the database, photo and document).
    assert {n for _, n in holders(data_dir.root, needles)} == {n[:40] for n in needles}

    store = open_store(data_dir)
    _check_fixture_data(store)
    for sha, data in contents.items():
        assert store.files.read_bytes(sha) == data
    keys = store.keys
    store.close()

    assert not data_dir.encryption_marker.exists()
    assert not (data_dir.cache / "thumbnails").exists()  # plain cache dropped
    assert holders(data_dir.root, needles) == []
    names = {p.name for p in files_under(data_dir.attachments)}
    assert len(names) == 2 and not names & set(contents)  # keyed names, not the hashes
    backups = files_under(data_dir.backups)
    assert any("avant-chiffrement" in b.name for b in backups)
    for backup in backups:  # the old plain backup too
        conn = connect(backup, keys, readonly=True)
        assert conn.execute("SELECT count(*) FROM visits").fetchone()[0] == 1
        conn.close()
    open_store(data_dir).close()  # and it opens again, now the quick way


def test_an_interrupted_encryption_of_the_files_resumes_at_the_next_open(
    data_dir: DataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contents = _plain_data_dir(data_dir, tmp_path, "0003")
    real_write = encryption_module.FileVault.write_file
    calls = []

    def power_cut_at_the_second_file(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(encryption_module.FileVault, "write_file", power_cut_at_the_second_file)
    with pytest.raises(MigrationFailed, match="reprendra au prochain démarrage"):
        open_store(data_dir)
    assert data_dir.encryption_marker.exists()
    assert not data_dir.database.read_bytes().startswith(SQLITE_HEADER)  # already swapped
    assert sorted(is_encrypted(p) for p in files_under(data_dir.attachments)) == [False, True]

    monkeypatch.setattr(encryption_module.FileVault, "write_file", real_write)
    store = open_store(data_dir)
    _check_fixture_data(store)
    for sha, data in contents.items():
        assert store.files.read_bytes(sha) == data
    store.close()
    assert not data_dir.encryption_marker.exists()
    assert all(is_encrypted(p) for p in files_under(data_dir.attachments))


def test_a_failed_encryption_of_the_database_leaves_it_as_it_was(
    data_dir: DataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plain_data_dir(data_dir, tmp_path, "0003")
    before = data_dir.database.read_bytes()

    def differs(*_args: object) -> None:
        raise MigrationFailed("la table visits de la copie chiffrée diffère")

    monkeypatch.setattr(encryption_module, "_check_same", differs)
    with pytest.raises(MigrationFailed, match="n'a pas été modifiée"):
        open_store(data_dir)
    assert data_dir.database.read_bytes() == before
    conn = sqlite3.connect(data_dir.database)  # still the plain database, whole
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    leftovers = [
        p.name for p in files_under(data_dir.root) if p.name.endswith((".partiel", ".chiffrement"))
    ]
    assert leftovers == []
    monkeypatch.undo()
    store = open_store(data_dir)
    _check_fixture_data(store)
    store.close()


def test_opening_with_the_key_in_the_keyring_imports_no_cryptography(data_dir: DataDir) -> None:
    """The cold start waits for every import: AES-GCM and argon2 are loaded only when a
    file is encrypted or a passphrase is used."""
    open_store(data_dir).close()
    code = (
        "import sys; from pathlib import Path; from fieldvisit.paths import DataDir;"
        "from fieldvisit.store import open_store;"
        f"open_store(DataDir(Path({str(data_dir.root)!r}))).close();"
        "print(sorted(m for m in ('cryptography', 'argon2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_report_rendition_reads_the_encrypted_photo(services: Services, tmp_path: Path) -> None:
    visit = visits_service.plan_visit(services, "15187", date(2026, 3, 12))
    stored = attachments.attach_photo(services, visit.id, noisy_jpeg(tmp_path / "p.jpg", 4))
    source = attachments.attachment_path(services, stored)
    [rendition] = prepare_renditions([(source, stored.sha256)], services.data_dir.report_images)
    assert rendition is not None and is_encrypted(rendition.path)
    with Image.open(io.BytesIO(rendition.jpeg_bytes())) as image:
        assert image.size == (320, 240)


def test_a_database_error_does_not_carry_what_was_typed(services: Services) -> None:
    """Errors are logged with their message: the statement's values must not be in it."""
    from sqlalchemy import exc, text

    secret = "Témoignage de Mme Hortense Vigouroux-Labastide"
    with pytest.raises(exc.IntegrityError) as caught, services.store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO local_meta (key, value) VALUES ('device_id', :v)"), {"v": secret}
        )
    assert secret not in str(caught.value)


def test_plain_attachments_left_without_their_database_are_encrypted_too(
    data_dir: DataDir, tmp_path: Path
) -> None:
    contents = _plain_data_dir(data_dir, tmp_path, "0003")
    data_dir.database.unlink()  # the database was lost; the photos were not
    store = open_store(data_dir)
    for sha, data in contents.items():
        assert store.files.read_bytes(sha) == data
    store.close()
    assert all(is_encrypted(p) for p in files_under(data_dir.attachments))
    assert not data_dir.encryption_marker.exists()
