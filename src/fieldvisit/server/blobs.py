"""Attachment bytes on the server: chunked, resumable, hash-checked, held per account.

Knowing a file's SHA-256 gives nothing (docs/SECURITY.md, "Attachments"):

- **An upload belongs to the account that sends it.** Each account has its own partial
  file per hash (`partial/<user id>/<sha256>`, a row of `uploads`); the file's length
  is how much was received, so a cut connection resumes where the bytes stopped.
  Another account cannot add to it, cut it or declare another size. A chunk at offset
  0 starts the account's upload again. A partial that has not grown for `PARTIAL_TTL`
  (24 h) is thrown away.
- **Holding a file is proven by sending it.** When an account's last byte arrives its
  partial is hashed: the right hash makes the account a *holder* of the file
  (`blob_holders`) and moves the bytes to `objects/ab/<sha256>` (or drops them when a
  copy is already there: same bytes twice = one file); a wrong one throws them away.
  Until it has sent the whole file itself, an account is told that nothing is
  received, whoever else sent it.
- **An attachment record names a file only for a holder** (`attachment_refusal`, asked
  by the push): the record's territory is then recorded as one where these bytes were
  attached by someone who had them (`blob_proofs`).
- **A file is served** to its holders and to whoever may read an attachment record
  naming it in a territory where it was proven; otherwise 404, as for a file the
  server never had. The upload status only ever describes the asking account's own
  upload.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from fieldvisit.server.models import Base, Blob, Record
from fieldvisit.server.scoping import Principal, readable
from fieldvisit.server.validation import Refusal
from fieldvisit.sync.wire import MAX_ATTACHMENT_BYTES, UploadStatus

if TYPE_CHECKING:
    from fieldvisit.server.db import Database

READ_CHUNK = 1024 * 1024
PARTIAL_TTL = timedelta(hours=24)
SWEEP_EVERY = timedelta(hours=1)


class BlobHolder(Base):
    """An account that sent the complete, hash-checked bytes of a file (revision 0003)."""

    __tablename__ = "blob_holders"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    since: Mapped[datetime]


class BlobProof(Base):
    """A territory where a holder of the file attached it to a record (revision 0003)."""

    __tablename__ = "blob_proofs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    territory: Mapped[str] = mapped_column(String(3), primary_key=True)


class Upload(Base):
    """One account's upload in progress of one file (revision 0003)."""

    __tablename__ = "uploads"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UploadProblem(Exception):
    """An upload request that cannot be applied; status says what the server has."""

    def __init__(self, http_status: int, code: str, message: str, status: UploadStatus) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.code = code
        self.status = status


def _unknown(sha256: str) -> UploadStatus:
    return UploadStatus(sha256=sha256, size=None, received=0, complete=False)


class BlobStore:
    def __init__(self, root: Path, partial_ttl: timedelta = PARTIAL_TTL) -> None:
        self.root = root
        self.partial_ttl = partial_ttl
        (root / "objects").mkdir(parents=True, exist_ok=True)
        (root / "partial").mkdir(parents=True, exist_ok=True)
        self._locks: defaultdict[str, threading.RLock] = defaultdict(threading.RLock)
        self._guard = threading.Lock()
        self._swept_at: datetime | None = None

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def partial_path(self, user_id: int, sha256: str) -> Path:
        return self.root / "partial" / str(user_id) / sha256

    def lock(self, sha256: str) -> threading.RLock:
        """The lock of one hash's uploads (re-entrant: held around the transaction too)."""
        with self._guard:
            return self._locks[sha256]

    # --- who has what --------------------------------------------------------------

    def holds(self, session: Session, user_id: int, sha256: str) -> bool:
        """The account sent this file's bytes, and they are here."""
        return (
            session.get(BlobHolder, (sha256, user_id)) is not None
            and self.object_path(sha256).is_file()
        )

    def may_read(self, session: Session, who: Principal, sha256: str) -> bool:
        """Served to its holders, and through an attachment record the user may read,
        in a territory where a holder attached it."""
        if self.holds(session, who.user_id, sha256):
            return True
        if not self.object_path(sha256).is_file():
            return False
        proven = list(
            session.scalars(select(BlobProof.territory).where(BlobProof.sha256 == sha256))
        )
        if not proven:
            return False
        records = session.scalars(
            select(Record).where(
                Record.table_name == "attachments",
                Record.sha256 == sha256,
                Record.territory.in_(proven),
            )
        )
        return any(readable(session, who, record) for record in records)

    def attached_through(self, session: Session, who: Principal, sha256: str) -> list[str]:
        """The ids of the readable attachment records naming the file (for the audit)."""
        records = session.scalars(
            select(Record).where(Record.table_name == "attachments", Record.sha256 == sha256)
        )
        return [r.record_id for r in records if readable(session, who, r)][:20]

    # --- the upload protocol -------------------------------------------------------

    def _expired(self, upload: Upload, now: datetime) -> bool:
        return now - upload.updated_at > self.partial_ttl

    def _received(self, upload: Upload) -> int:
        partial = self.partial_path(upload.user_id, upload.sha256)
        received = partial.stat().st_size if partial.is_file() else 0
        return min(received, upload.size)

    def status(self, session: Session, user_id: int, sha256: str, now: datetime) -> UploadStatus:
        """This account's view: complete once *it* sent the file; else its own partial."""
        if self.holds(session, user_id, sha256):
            blob = session.get(Blob, sha256)
            size = blob.size if blob is not None else self.object_path(sha256).stat().st_size
            return UploadStatus(sha256=sha256, size=size, received=size, complete=True)
        upload = session.get(Upload, (sha256, user_id))
        if upload is None or self._expired(upload, now):
            return _unknown(sha256)
        return UploadStatus(
            sha256=sha256, size=upload.size, received=self._received(upload), complete=False
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
                self.status(session, user_id, sha256, now),
            )
        with self.lock(sha256):
            if self.holds(session, user_id, sha256):
                # A replay of the last chunk, or the same bytes again from their sender.
                return self.status(session, user_id, sha256, now)
            upload = session.get(Upload, (sha256, user_id))
            if upload is not None and self._expired(upload, now):
                self._drop(session, upload)
                upload = None
            partial = self.partial_path(user_id, sha256)
            if offset != 0:
                current = (
                    UploadStatus(
                        sha256=sha256,
                        size=upload.size,
                        received=self._received(upload),
                        complete=False,
                    )
                    if upload is not None
                    else _unknown(sha256)
                )
                if offset != current.received:
                    raise UploadProblem(
                        409,
                        "wrong_offset",
                        f"Reprise à l'octet {current.received} attendue (reçu : {offset}).",
                        current,
                    )
                if upload is None or upload.size != size:
                    raise UploadProblem(
                        409,
                        "size_mismatch",
                        f"Taille annoncée {size} différente de l'envoi en cours "
                        f"({current.size}) : recommencez à l'octet 0.",
                        current,
                    )
            if offset + len(data) > size:
                raise UploadProblem(
                    422,
                    "too_many_bytes",
                    "Plus d'octets que la taille annoncée.",
                    self.status(session, user_id, sha256, now),
                )
            if offset == 0:  # (re)start this account's upload of the file
                if upload is None:
                    upload = Upload(sha256=sha256, user_id=user_id, size=size, started_at=now)
                    session.add(upload)
                upload.size = size
                upload.started_at = now
            assert upload is not None
            upload.updated_at = now
            partial.parent.mkdir(parents=True, exist_ok=True)
            try:
                with partial.open("wb" if offset == 0 else "ab") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError:
                # A full disk (ENOSPC: the app answers 507) may have kept part of the
                # chunk: cut it off, so that what was received stays what was recorded.
                _truncate(partial, offset)
                raise
            received = offset + len(data)
            if received < size:
                return UploadStatus(sha256=sha256, size=size, received=received, complete=False)
            actual = hashlib.sha256(data).hexdigest() if offset == 0 else _hash(partial)
            if actual != sha256:
                self._drop(session, upload)
                raise UploadProblem(
                    422,
                    "hash_mismatch",
                    "Le fichier reçu ne correspond pas à son empreinte SHA-256 : il a été "
                    "écarté, renvoyez-le.",
                    _unknown(sha256),
                )
            self._complete(session, upload, partial, now)
            return UploadStatus(sha256=sha256, size=size, received=size, complete=True)

    def _complete(self, session: Session, upload: Upload, partial: Path, now: datetime) -> None:
        sha256, user_id = upload.sha256, upload.user_id
        target = self.object_path(sha256)
        if target.is_file():
            partial.unlink(missing_ok=True)  # another holder's copy: the same bytes
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, target)
        blob = session.get(Blob, sha256)
        if blob is None:
            blob = Blob(sha256=sha256, size=upload.size, uploaded_by=user_id, created_at=now)
            session.add(blob)
        blob.size = upload.size
        blob.received = upload.size
        blob.complete = True
        blob.completed_at = blob.completed_at or now
        if session.get(BlobHolder, (sha256, user_id)) is None:
            session.add(BlobHolder(sha256=sha256, user_id=user_id, since=now))
        _discard(session, upload)

    def _drop(self, session: Session, upload: Upload) -> None:
        self.partial_path(upload.user_id, upload.sha256).unlink(missing_ok=True)
        _discard(session, upload)

    # --- expiry --------------------------------------------------------------------

    def sweep_if_due(self, db: Database, now: datetime) -> int:
        """Throw away partials that have not grown for PARTIAL_TTL (at most hourly)."""
        with self._guard:
            if self._swept_at is not None and now - self._swept_at < SWEEP_EVERY:
                return 0
            self._swept_at = now
        return self.sweep(db, now)

    def sweep(self, db: Database, now: datetime) -> int:
        cutoff = now - self.partial_ttl
        with db.reading() as session:
            stale = list(
                session.execute(
                    select(Upload.sha256, Upload.user_id).where(Upload.updated_at < cutoff)
                )
            )
        dropped = 0
        for sha256, user_id in stale:
            with self.lock(sha256), db.transaction() as session:
                upload = session.get(Upload, (sha256, user_id))
                if upload is not None and self._expired(upload, now):
                    self._drop(session, upload)
                    dropped += 1
        self._remove_orphans(db)
        return dropped

    def _remove_orphans(self, db: Database) -> None:
        """Partial files without an upload row (a database restored from a backup, or a
        server from before revision 0003), once they are old enough not to be an upload
        that is just starting."""
        oldest = time.time() - self.partial_ttl.total_seconds()
        with db.reading() as session:
            live = {(str(u), s) for s, u in session.execute(select(Upload.sha256, Upload.user_id))}
        for path in (self.root / "partial").rglob("*"):
            if not path.is_file():
                continue
            owner = path.parent.name if path.parent != self.root / "partial" else ""
            try:
                old = path.stat().st_mtime < oldest
            except FileNotFoundError:
                continue
            if (owner, path.name) not in live and old:
                path.unlink(missing_ok=True)


def _discard(session: Session, upload: Upload) -> None:
    if upload in session.new:
        session.expunge(upload)  # made by this request: never written
    else:
        session.delete(upload)
        session.flush()


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


# --- attachment records (asked by the push) -------------------------------------------


FILE_NOT_RECEIVED = Refusal(
    "file_not_received",
    "fichier joint pas encore reçu de ce compte : il sera renvoyé à la prochaine synchronisation",
)
FILE_CHANGED = Refusal(
    "invalid",
    "le fichier d'une pièce jointe ne change pas : joignez le nouveau fichier à part",
)


def attachment_refusal(
    session: Session,
    user_id: int,
    fields: dict[str, object],
    existing_data: str | None,
    territory: str | None,
    *,
    deleted: bool = False,
    reviving: bool = False,
) -> Refusal | None:
    """Why an attachment record may not be accepted as pushed, or None.

    A record never changes its file. One that names a file for the first time is
    accepted live only from a holder of the file; a record that already names it keeps
    it (whoever edits its caption), and a deleted one needs no file (a laptop sends the
    deletion of a photo it never uploaded). A deleted record brought back (`reviving`)
    names its file again: from a holder, or where the file was proven already. A
    tombstone proves nothing: otherwise a tombstone naming another territory's hash,
    then brought back, would be a live record of a file its territory never had.

    Whenever a holder pushes the record, deleted or not, the territory is recorded as
    one where the file was proven: a deletion can be undone (server/deletions.py), and
    the attachment's file must then be served to the territory as if it had never been
    deleted.
    """
    sha = fields.get("sha256")
    if existing_data is not None and json.loads(existing_data).get("sha256") != sha:
        return FILE_CHANGED
    holder = isinstance(sha, str) and session.get(BlobHolder, (sha, user_id)) is not None
    if not holder:
        if existing_data is None and not deleted:
            return FILE_NOT_RECEIVED
        proven_here = (
            isinstance(sha, str)
            and territory is not None
            and session.get(BlobProof, (sha, territory)) is not None
        )
        if reviving and not proven_here:
            return FILE_NOT_RECEIVED
    if holder and territory is not None and session.get(BlobProof, (sha, territory)) is None:
        session.add(BlobProof(sha256=sha, territory=territory))
        session.flush()
    return None
