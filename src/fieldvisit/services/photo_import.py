"""Importing the photos of a walk: many files or whole folders, from the phone.

`photo_files(paths)` turns what the person chose or dropped (files and folders, walked
in name order) into the list of files to import; `import_photo` imports one of them.
The UI runs one `import_photo` per file on its worker, one after the other, so an
autosave gets through between two photos and a cancel stops before the next one.

One photo is imported whole or not at all:

1. `photo_facts.read_photo` checks it is an image that decodes (damaged, truncated,
   undecodable HEIC, too many pixels, not an image: BadInput naming the file) and
   reads its EXIF (time taken, orientation, GPS);
2. the bytes to keep: the file as it is, or without its GPS when the Préférences say
   location is not kept in stored photos (`keep_location=False`);
3. their SHA-256: the same photo already in the visit is not added again (the outcome
   names the photo it duplicates); in another visit it gets its own record and shares
   the one encrypted file (store/files.py: content-addressed);
4. the encrypted file, then the record in one transaction. Should the record fail, a
   file this import wrote is removed again: no file without a record, no record
   without its file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from fieldvisit.core.errors import BadInput
from fieldvisit.services import photo_facts
from fieldvisit.services.attachments import MAX_ATTACHMENT_BYTES, files
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.files import sha256_of
from fieldvisit.store.models import Attachment, Visit

# A phone's whole DCIM folder is a few thousand photos; beyond this, a folder chosen
# by mistake (a home folder) would queue an import for hours.
MAX_IMPORT_FILES = 10_000
# What phones and their sync tools leave beside the photos, skipped without a message.
_HIDDEN_PREFIXES = (".", "~")
_NOISE = frozenset({"thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class PhotoFiles:
    files: tuple[Path, ...]
    folders: int  # how many folders were walked


def photo_files(paths: Iterable[Path]) -> PhotoFiles:
    """The files to import: each file given, and the files of each folder given and of
    its sub-folders (name order; hidden files and system files left out). BadInput past
    MAX_IMPORT_FILES, before anything is imported."""
    found: list[Path] = []
    folders = 0
    for path in paths:
        if path.is_dir():
            folders += 1
            for root, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(_HIDDEN_PREFIXES))
                for name in sorted(filenames):
                    if name.startswith(_HIDDEN_PREFIXES) or name.lower() in _NOISE:
                        continue
                    found.append(Path(root) / name)
                    if len(found) > MAX_IMPORT_FILES:
                        raise BadInput(
                            f"« {path.name} » contient plus de {MAX_IMPORT_FILES} fichiers : "
                            "choisissez le dossier des photos de la visite."
                        )
        else:
            found.append(path)
    return PhotoFiles(tuple(found), folders)


@dataclass(frozen=True)
class ImportedPhoto:
    """What one file's import did: a new record, or the photo it duplicates."""

    path: Path
    attachment: Attachment | None
    duplicate_of: str | None = None  # the filename of the photo already in the visit


def import_photo(
    svc: Services,
    visit_id: str,
    source: Path,
    *,
    keep_location: bool = True,
    form_id: str | None = None,
    item_id: str | None = None,
) -> ImportedPhoto:
    """Import one photo into the visit (see the module docstring)."""
    if not source.is_file():
        raise BadInput(f"« {source.name} » est introuvable ou n'est pas un fichier.")
    size = source.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        raise BadInput(f"« {source.name} » dépasse {MAX_ATTACHMENT_BYTES // 2**20} Mo.")
    if size == 0:
        raise BadInput(f"« {source.name} » est vide : fichier ignoré.")
    facts = photo_facts.read_photo(source, source.name)
    data: bytes | None = None
    location = facts.location
    if not keep_location:
        raw = source.read_bytes()
        data = photo_facts.without_location(raw)
        location = None
    store = files(svc)
    if data is None:
        sha = sha256_of(source)
    else:
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
    with svc.store.reading() as session:
        get_live(session, Visit, visit_id)
        duplicate = session.scalars(
            select(Attachment.filename).where(
                Attachment.visit_id == visit_id,
                Attachment.sha256 == sha,
                Attachment.deleted_at.is_(None),
            )
        ).first()
    if duplicate is not None:
        return ImportedPhoto(source, None, duplicate)
    written = not store.has(sha)
    if data is None:
        stored_sha, size = store.put_file(source)
    else:
        stored_sha, size = store.put_bytes(data), len(data)
    if stored_sha != sha:  # the file changed between the hash and the copy
        raise BadInput(f"« {source.name} » a changé pendant son import : réessayez.")
    try:
        with svc.store.transaction() as session:
            get_live(session, Visit, visit_id)
            attachment = Attachment(
                visit_id=visit_id,
                sha256=sha,
                filename=source.name[:255],
                media_type=facts.media_type,
                size=size,
                caption="",
                form_id=form_id if item_id else None,
                item_id=item_id or None,
                taken_at=facts.taken_at,
                orientation=facts.orientation,
                gps=location.as_json() if location is not None else None,
            )
            svc.stamp(attachment, new=True)
            session.add(attachment)
    except BaseException:
        if written:  # nothing else refers to a file this import wrote
            store.path_for(sha).unlink(missing_ok=True)
        raise
    return ImportedPhoto(source, attachment)
