"""Content-addressed attachment files, encrypted: attachments/ab/abcdef….

An attachment is addressed by the SHA-256 of its plain content (records, sync and the
server use it; the same bytes twice are one file). On disk the file is encrypted with
AES-256-GCM and named by a keyed hash of that address (`security/vault.py` says why),
written to a temporary name and renamed, so a crash never leaves a half-written file
under a valid name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import IO

from fieldvisit.core.errors import BadInput
from fieldvisit.security.vault import EncryptedReader, FileVault

CHUNK = 1024 * 1024
NAME_KIND = "attachment"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def attachment_context(sha256: str) -> bytes:
    """What every chunk of an attachment's file authenticates besides its header."""
    return f"{NAME_KIND}:{sha256}".encode("ascii")


class _HashingReader:
    """Reads from a file and hashes what was read."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


class AttachmentFiles:
    def __init__(self, root: Path, vault: FileVault) -> None:
        self.root = root
        self.vault = vault

    def path_for(self, sha256: str) -> Path:
        """The encrypted file of the attachment with this content hash."""
        name = self.vault.name(NAME_KIND, sha256)
        return self.root / name[:2] / name

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_file(self, source: Path) -> tuple[str, int]:
        """Encrypt a file in; return (sha256, size) of its plain content.

        Two reads: the hash names the file and is authenticated with every chunk, so it
        must be known before encrypting; the second read is checked against the first.
        """
        sha = sha256_of(source)
        target = self.path_for(sha)
        size = source.stat().st_size
        if target.is_file():
            return sha, size
        with source.open("rb") as fh:
            reader = _HashingReader(fh)
            self._write(target, reader, size, sha, lambda: reader.digest.hexdigest() == sha)
        return sha, size

    def put_bytes(self, data: bytes) -> str:
        """Store bytes; return their sha256."""
        import io

        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if not target.is_file():
            self._write(target, io.BytesIO(data), len(data), sha, None)
        return sha

    def _write(
        self,
        target: Path,
        source: IO[bytes] | _HashingReader,
        size: int,
        sha: str,
        unchanged: Callable[[], bool] | None,
    ) -> None:
        def check() -> None:
            if unchanged is not None and not unchanged():
                raise BadInput("Le fichier a changé pendant son import : réessayez.")

        self.vault.write_file(target, source, size, attachment_context(sha), before_commit=check)  # type: ignore[arg-type]

    def open(self, sha256: str) -> EncryptedReader:
        """A seekable reader of the plain content (DamagedFile if it does not decrypt)."""
        return self.vault.open(self.path_for(sha256), attachment_context(sha256))

    def read_bytes(self, sha256: str) -> bytes:
        return self.vault.read_bytes(self.path_for(sha256), attachment_context(sha256))

    def size(self, sha256: str) -> int:
        """The plain content's size, read from the header."""
        return self.vault.plain_size(self.path_for(sha256))
