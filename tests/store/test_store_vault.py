"""The encrypted file format: authenticated, bound to its content address, seekable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldvisit.security.keys import DataKeys, hkdf_sha256, new_master_key
from fieldvisit.security.vault import CHUNK, HEADER_SIZE, DamagedFile, FileVault, encrypted_size
from fieldvisit.store.files import AttachmentFiles


@pytest.fixture
def files(tmp_path: Path) -> AttachmentFiles:
    keys = DataKeys(new_master_key())
    return AttachmentFiles(tmp_path / "attachments", FileVault(keys.files, keys.names))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_round_trip_and_reads_from_any_offset(files: AttachmentFiles, size: int) -> None:
    data = os.urandom(size)
    sha = files.put_bytes(data)
    path = files.path_for(sha)
    assert path.stat().st_size == encrypted_size(size)
    assert files.read_bytes(sha) == data and files.size(sha) == size
    with files.open(sha) as reader:  # as a resumed upload reads it
        for offset in sorted({0, size // 3, max(0, size - 5), CHUNK - 3, CHUNK + 2}):
            reader.seek(offset)
            assert reader.read(CHUNK) == data[offset : offset + CHUNK]


def test_a_changed_byte_anywhere_is_refused(files: AttachmentFiles) -> None:
    sha = files.put_bytes(os.urandom(2 * CHUNK + 100))
    path = files.path_for(sha)
    original = path.read_bytes()
    for position in (10, HEADER_SIZE + 5, HEADER_SIZE + CHUNK + 40, len(original) - 1):
        damaged = bytearray(original)
        damaged[position] ^= 0x01
        path.write_bytes(bytes(damaged))
        with pytest.raises(DamagedFile):
            files.read_bytes(sha)
    path.write_bytes(original)
    assert len(files.read_bytes(sha)) == 2 * CHUNK + 100


def test_a_cut_off_or_reordered_file_is_refused(files: AttachmentFiles) -> None:
    sha = files.put_bytes(os.urandom(2 * CHUNK))
    path = files.path_for(sha)
    original = path.read_bytes()
    path.write_bytes(original[: HEADER_SIZE + CHUNK + 16])  # the last chunk dropped
    with pytest.raises(DamagedFile):
        files.read_bytes(sha)
    first, second = (
        original[HEADER_SIZE : HEADER_SIZE + CHUNK + 16],
        original[HEADER_SIZE + CHUNK + 16 :],
    )
    path.write_bytes(original[:HEADER_SIZE] + second + first)
    with pytest.raises(DamagedFile):
        files.read_bytes(sha)


def test_a_file_moved_under_another_attachments_name_is_refused(files: AttachmentFiles) -> None:
    one = files.put_bytes(b"photo de la halle")
    two = files.put_bytes(b"photo du parking")
    files.path_for(two).write_bytes(files.path_for(one).read_bytes())
    with pytest.raises(DamagedFile):
        files.read_bytes(two)


def test_another_data_dirs_key_cannot_read_it(files: AttachmentFiles, tmp_path: Path) -> None:
    sha = files.put_bytes(b"notes confidentielles")
    other_keys = DataKeys(new_master_key())
    other = AttachmentFiles(files.root, FileVault(other_keys.files, other_keys.names))
    with pytest.raises(DamagedFile):
        other.vault.read_bytes(files.path_for(sha), b"attachment:" + sha.encode())


def test_hkdf_matches_the_reference_implementation() -> None:
    key = new_master_key()
    for info, length, salt in [(b"a", 32, b""), (b"fieldvisit/files/v1", 80, b"salt" * 4)]:
        reference = HKDF(
            algorithm=hashes.SHA256(), length=length, salt=salt or None, info=info
        ).derive(key)
        assert hkdf_sha256(key, info, length, salt) == reference
