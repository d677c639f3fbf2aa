"""One visit as a portable archive (zip): its records as JSON plus its attachment files.

Import checks the whole archive (format, every record, every file's hash) before it
writes anything, then writes in one transaction: a damaged archive changes nothing.
Records keep their ids, so importing the same archive twice does not duplicate; a local
record newer than the archived one is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fieldvisit import __version__
from fieldvisit.core.errors import BadInput
from fieldvisit.services.attachments import files
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live
from fieldvisit.store.history import ORIGIN_IMPORT, recorded_as
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Contact,
    Interview,
    InterviewAnswer,
    Interviewee,
    QuickNote,
    Recommendation,
    SyncColumns,
    ThemeRating,
    Visit,
    VisitParticipant,
)
from fieldvisit.store.serialize import MODELS_BY_TABLE, dict_to_fields, record_to_dict

FORMAT = "fieldvisit-visit-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024

# Order matters on import: parents before children (foreign keys).
TABLE_ORDER = [
    "contacts",
    "visits",
    "visit_participants",
    "answers",
    "interviews",
    "interviewees",
    "interview_answers",
    "theme_ratings",
    "recommendations",
    "attachments",
    "quick_notes",
]


def _collect(session: Any, visit: Visit) -> dict[str, list[SyncColumns]]:
    def rows(model: type[SyncColumns], *conditions: Any) -> list[SyncColumns]:
        return list(session.scalars(select(model).where(*conditions)))

    vid = visit.id
    records: dict[str, list[SyncColumns]] = {"visits": [visit]}
    for model in (VisitParticipant, Answer, Interview, ThemeRating, Attachment, QuickNote):
        records[model.__tablename__] = rows(model, model.visit_id == vid)  # type: ignore[attr-defined]
    interview_ids = [i.id for i in records["interviews"]]  # type: ignore[attr-defined]
    records["interviewees"] = rows(Interviewee, Interviewee.interview_id.in_(interview_ids))
    records["interview_answers"] = rows(
        InterviewAnswer, InterviewAnswer.interview_id.in_(interview_ids)
    )
    # Recommendations of this visit, plus the ones they were carried over from (FK).
    recs = rows(Recommendation, Recommendation.visit_id == vid)
    contact_ids = {p.contact_id for p in records["visit_participants"]}  # type: ignore[attr-defined]
    contact_ids |= {i.contact_id for i in records["interviewees"]}  # type: ignore[attr-defined]
    records["contacts"] = rows(Contact, Contact.id.in_(contact_ids))
    records["recommendations"] = recs
    return records


def export_visit(svc: Services, visit_id: str, output: Path) -> Path:
    """Write one visit with everything that belongs to it into a zip archive."""
    with svc.store.reading() as session:
        visit = get_live(session, Visit, visit_id)
        records = _collect(session, visit)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "visit_id": visit.id,
        "records": {table: [record_to_dict(r) for r in records[table]] for table in TABLE_ORDER},
    }
    attachments = {a.sha256 for a in records["attachments"]}  # type: ignore[attr-defined]
    store = files(svc)
    output = output.expanduser()
    if output.is_dir():
        raise BadInput(f"{output} est un dossier : indiquez un nom de fichier (-o visite.zip).")
    if not output.parent.is_dir():
        raise BadInput(f"Le dossier {output.parent} n'existe pas.")
    fd, tmp_name = tempfile.mkstemp(dir=output.parent, prefix=".export-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            for sha in sorted(attachments):
                if not store.has(sha):
                    raise BadInput(f"Pièce jointe manquante dans le dossier de données : {sha}.")
                entry = zipfile.ZipInfo(f"attachments/{sha}")  # plain: the archive is shared
                with store.open(sha) as source, archive.open(entry, "w", force_zip64=True) as out:
                    shutil.copyfileobj(source, out, 1024 * 1024)
        os.replace(tmp_name, output)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return output


@dataclass
class ImportResult:
    visit_id: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files_added: int = 0
    by_table: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return (
            f"Visite {self.visit_id} importée : {self.created} enregistrement(s) ajouté(s), "
            f"{self.updated} mis à jour, {self.unchanged} déjà présent(s) ; "
            f"{self.files_added} fichier(s) ajouté(s)."
        )


def _damaged(archive: Path, why: str) -> BadInput:
    return BadInput(f"Archive {archive} inutilisable : {why}. Rien n'a été importé.")


def _read_archive(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    if not path.is_file():
        raise BadInput(f"Fichier introuvable : {path}.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if MANIFEST not in names:
                raise _damaged(path, "pas de manifest.json (ce n'est pas une archive fieldvisit)")
            if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
                raise _damaged(path, "manifest.json trop volumineux")
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
            blobs = {
                name.removeprefix("attachments/"): archive.read(name)
                for name in names
                if name.startswith("attachments/") and not name.endswith("/")
            }
    except zipfile.BadZipFile as err:
        raise _damaged(path, f"fichier zip endommagé ({err})") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise _damaged(path, f"manifest.json illisible ({err})") from err
    except (zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as err:
        raise _damaged(path, f"lecture impossible ({err})") from err
    return manifest, blobs


def _parse(path: Path, manifest: Any) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(path, "format inconnu")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _damaged(
            path, f"version d'archive {version} non prise en charge (mettez fieldvisit à jour)"
        )
    records = manifest.get("records")
    visit_id = manifest.get("visit_id")
    if not isinstance(records, dict) or not isinstance(visit_id, str):
        raise _damaged(path, "contenu incomplet")
    parsed: dict[str, list[dict[str, Any]]] = {}
    for table in TABLE_ORDER:
        rows = records.get(table, [])
        if not isinstance(rows, list):
            raise _damaged(path, f"section « {table} » invalide")
        model = MODELS_BY_TABLE[table]
        parsed[table] = []
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise _damaged(path, f"{table}[{index}] n'est pas un objet")
            try:
                parsed[table].append(dict_to_fields(model, row))
            except ValueError as err:
                raise _damaged(path, f"{table}[{index}] : {err}") from err
    if [v["id"] for v in parsed["visits"]] != [visit_id]:
        raise _damaged(path, "la visite annoncée n'est pas dans l'archive")
    return visit_id, parsed


def import_visit(svc: Services, path: Path) -> ImportResult:
    """Import an archive made by export_visit; see the module docstring."""
    manifest, blobs = _read_archive(path)
    visit_id, parsed = _parse(path, manifest)
    for sha, data in blobs.items():
        if hashlib.sha256(data).hexdigest() != sha:
            raise _damaged(path, f"la pièce jointe {sha[:12]}… ne correspond pas à son empreinte")
    for row in parsed["attachments"]:
        if row["sha256"] not in blobs and not files(svc).has(row["sha256"]):
            raise _damaged(path, f"la pièce jointe « {row['filename']} » manque")
    result = ImportResult(visit_id=visit_id)
    store = files(svc)
    for sha, data in blobs.items():
        if not store.has(sha):
            store.put_bytes(data)
            result.files_added += 1
    # History: what the archive overwrites is kept, marked as imported (store/history.py).
    with recorded_as(ORIGIN_IMPORT), svc.store.transaction() as session:
        _drop_dangling_links(session, parsed)
        for table in TABLE_ORDER:
            model = MODELS_BY_TABLE[table]
            for fields in parsed[table]:
                existing = session.get(model, fields["id"])
                if existing is None:
                    session.add(model(**fields))
                    result.created += 1
                elif existing.updated_at < fields["updated_at"]:
                    for name, value in fields.items():
                        setattr(existing, name, value)
                    result.updated += 1
                else:
                    result.unchanged += 1
            session.flush()
    return result


# Links to records that may not travel with the visit (the previous visit, the
# recommendation a carried-over one came from): kept when the target is known here.
_OPTIONAL_LINKS = (
    ("visits", "previous_visit_id", Visit),
    ("recommendations", "carried_from_id", Recommendation),
)


def _drop_dangling_links(session: Any, parsed: dict[str, list[dict[str, Any]]]) -> None:
    for table, column, model in _OPTIONAL_LINKS:
        in_archive = {row["id"] for row in parsed[table]}
        for row in parsed[table]:
            target = row[column]
            if target and target not in in_archive and session.get(model, target) is None:
                row[column] = None
