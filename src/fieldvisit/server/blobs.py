"""Attachment bytes on the server: chunked, resumable, checked against their SHA-256.

An upload appends to `partial/<sha256>`; the file's length is how much was received,
so a cut connection resumes where the bytes stopped. When the last byte arrives the
file is hashed: the right hash moves it to `objects/ab/<sha256>`, a wrong one throws
it away (the client starts again). Same bytes twice = one file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from fieldvisit.server.models import Blob
from fieldvisit.sync.wire import MAX_ATTACHMENT_BYTES, UploadStatus

READ_CHUNK = 1024 * 1024


class UploadProblem(Exception):
    """An upload request that cannot be applied; status says what the server has."""

    def __init__(self, http_status: int, code: str, message: str, status: UploadStatus) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.status = status


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "objects").mkdir(parents=True, exist_ok=True)
        (root / "partial").mkdir(parents=True, exist_ok=True)
        self._locks: defaultdict[str, threading.RLock] = defaultdict(threading.RLock)
        self._guard = threading.Lock()

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def partial_path(self, sha256: str) -> Path:
        return self.root / "partial" / sha256

    def lock(self, sha256: str) -> threading.RLock:
        """The lock of one hash's upload (re-entrant: held around the transaction too)."""
        with self._guard:
            return self._locks[sha256]

    def status(self, session: Session, sha256: str) -> UploadStatus:
        blob = session.get(Blob, sha256)
        if blob is not None and blob.complete and self.object_path(sha256).is_file():
            return UploadStatus(sha256=sha256, size=blob.size, received=blob.size, complete=True)
        partial = self.partial_path(sha256)
        received = partial.stat().st_size if partial.is_file() else 0
        return UploadStatus(
            sha256=sha256,
            size=blob.size if blob is not None else None,
            received=received,
            complete=False,
        )

    def write_chunk(
        self,
        session: Session,
        user_id: int,
        sha256: str,
        offset: int,
        size: int,
        data: bytes,
        now: datetime,
    ) -> UploadStatus:
        if size < 0 or size > MAX_ATTACHMENT_BYTES:
            raise UploadProblem(
                413,
                "attachment_too_large",
                f"Fichier trop volumineux : {MAX_ATTACHMENT_BYTES // 2**20} Mo au plus.",
                self.status(session, sha256),
            )
        with self.lock(sha256):
            current = self.status(session, sha256)
            if current.complete:
                return current  # a replay of the last chunk, or the same bytes again
            blob = session.get(Blob, sha256)
            if blob is None:
                blob = Blob(sha256=sha256, size=size, received=0, uploaded_by=user_id)
                blob.created_at = now
                blob.complete = False
                session.add(blob)
            elif blob.size != size:
                if current.received == 0:
                    blob.size = size
                else:
                    raise UploadProblem(
                        409,
                        "size_mismatch",
                        f"Taille annoncée {size} différente de l'envoi en cours ({blob.size}).",
                        current,
                    )
            if offset != current.received:
                raise UploadProblem(
                    409,
                    "wrong_offset",
                    f"Reprise à l'octet {current.received} attendue (reçu : {offset}).",
                    current,
                )
            if offset + len(data) > size:
                raise UploadProblem(
                    422, "too_many_bytes", "Plus d'octets que la taille annoncée.", current
                )
            partial = self.partial_path(sha256)
            try:
                with partial.open("ab") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError:
                # A full disk (ENOSPC: the app answers 507) may have kept part of the
                # chunk: cut it off, so that what was received stays what was recorded.
                _truncate(partial, offset)
                raise
            received = offset + len(data)
            blob.received = received
            if received < size:
                return UploadStatus(sha256=sha256, size=size, received=received, complete=False)
            whole = data if offset == 0 else None
            actual = hashlib.sha256(whole).hexdigest() if whole is not None else _hash(partial)
            if actual != sha256:
                partial.unlink(missing_ok=True)
                blob.received = 0
                raise UploadProblem(
                    422,
                    "hash_mismatch",
                    "Le fichier reçu ne correspond pas à son empreinte SHA-256 : il a été "
                    "écarté, renvoyez-le.",
                    UploadStatus(sha256=sha256, size=size, received=0, complete=False),
                )
            target = self.object_path(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, target)
            blob.complete = True
            blob.completed_at = now
            return UploadStatus(sha256=sha256, size=size, received=size, complete=True)


def _truncate(path: Path, size: int) -> None:
    # If even this fails, the bytes kept are still the file's own, in order: the
    # status (the partial file's length) stays true.
    with contextlib.suppress(OSError):
        os.truncate(path, size)


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
