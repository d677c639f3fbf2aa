"""One visit as a portable archive (zip): its records as JSON plus its attachment files.

Import checks the whole archive (format, every record, every file's hash) before it
writes anything, then writes in one transaction: a damaged archive changes nothing.
Records keep their ids, so importing the same archive twice does not duplicate.

An import merges like a pull (sync/merge.py), never by dates: each archived record is
merged three-way with the local one against their common base, field by field; a
field changed on one side only takes that side's value, and one changed on both sides
differently becomes a conflict in which the record keeps the local value (what the
server and the team already have) and the archive's value waits for a decision
(sync/conflict_log.py, source "import"). The common base:

- both sides synced with the same server (the archive says which, format 2): the
  older of the two merge bases — the archive carries the exporting laptop's base of
  each record (its `sync_base`; a clean record is its own base), this laptop has its
  own. Server history is linear, so the older one is an ancestor of both;
- neither side ever synced the record: what this laptop last imported of it, or else
  what the exporting laptop had last imported (an "import base", kept in `sync_base`
  at version 0 and replaced by the server's at the first sync);
- otherwise none: every difference that is not an empty field becomes a conflict.

An import never touches a local record's `server_version` or its server base: a merged
record is a pending local change based on the version this laptop has, so the server
merges it against newer changes instead of letting it overwrite them. A record new
here takes the archive's version and base (same server) and is pending. Edit against
delete: the edit wins, and the deletion is undone whole (services/deletion.py).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from fieldvisit import __version__
from fieldvisit.core.errors import BadInput
from fieldvisit.core.files import atomic_output
from fieldvisit.services.attachments import files
from fieldvisit.services.context import Services
from fieldvisit.services.deletion import Revived, revive
from fieldvisit.services.records import get_live
from fieldvisit.store.history import ORIGIN_IMPORT, plain, recorded_as
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Contact,
    Interview,
    InterviewAnswer,
    Interviewee,
    Observation,
    OccurrenceAnswer,
    QuickNote,
    Recommendation,
    RepeatOccurrence,
    Signature,
    SyncColumns,
    ThemeRating,
    Visit,
    VisitParticipant,
)
from fieldvisit.store.serialize import MODELS_BY_TABLE, dict_to_fields, record_to_dict
from fieldvisit.store.sync_models import STATE_ROW, SyncBase, SyncState
from fieldvisit.sync.codec import CODECS
from fieldvisit.sync.conflict_log import SOURCE_IMPORT, OpenConflicts
from fieldvisit.sync.merge import Side, deletion_of, merge_record
from fieldvisit.sync.wire import LONG_TEXT_FIELDS, TABLE_ORDER, TABLES

FORMAT = "fieldvisit-visit-archive"
FORMAT_VERSION = 2  # 2: the exporting laptop's server and merge bases
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def _collect(session: Any, visit: Visit) -> dict[str, list[SyncColumns]]:
    def rows(model: type[SyncColumns], *conditions: Any) -> list[SyncColumns]:
        return list(session.scalars(select(model).where(*conditions)))

    vid = visit.id
    records: dict[str, list[SyncColumns]] = {"visits": [visit]}
    for model in (
        VisitParticipant,
        Answer,
        Interview,
        ThemeRating,
        Observation,
        RepeatOccurrence,
        OccurrenceAnswer,  # carries its occurrence's visit
        Attachment,
        QuickNote,
        Signature,
    ):
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
    # an action's named porteur (revision 0015), a participant or not
    contact_ids |= {r.porteur_contact_id for r in recs if r.porteur_contact_id}  # type: ignore[attr-defined]
    records["contacts"] = rows(Contact, Contact.id.in_(contact_ids))
    records["recommendations"] = recs
    return records


def export_visit(svc: Services, visit_id: str, output: Path) -> Path:
    """Write one visit with everything that belongs to it into a zip archive."""
    with svc.store.reading() as session:
        visit = get_live(session, Visit, visit_id)
        records = _collect(session, visit)
        bases = _bases_of(session, records)
        server = session.scalar(select(SyncState.server_url).where(SyncState.id == STATE_ROW))
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "visit_id": visit.id,
        "server": server,
        "records": {table: [record_to_dict(r) for r in records[table]] for table in TABLE_ORDER},
        "bases": bases,
    }
    attachments = {a.sha256 for a in records["attachments"]}  # type: ignore[attr-defined]
    store = files(svc)
    output = output.expanduser()
    # Whole or not at all, with the reason in French (core/files.py).
    with (
        atomic_output(output, kind="ZIP", prefix=".export-", suffix=".zip") as tmp,
        zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        for sha in sorted(attachments):
            if not store.has(sha):
                raise BadInput(f"Pièce jointe manquante dans le dossier de données : {sha}.")
            entry = zipfile.ZipInfo(f"attachments/{sha}")  # plain: the archive is shared
            with store.open(sha) as source, archive.open(entry, "w", force_zip64=True) as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
    return output


@dataclass
class ImportResult:
    visit_id: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files_added: int = 0
    conflicts: int = 0
    by_table: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        text = (
            f"Visite {self.visit_id} importée : {self.created} enregistrement(s) ajouté(s), "
            f"{self.updated} mis à jour, {self.unchanged} déjà présent(s) ; "
            f"{self.files_added} fichier(s) ajouté(s)."
        )
        if self.conflicts:
            text += (
                f" {self.conflicts} conflit(s) à examiner (fieldvisit conflicts list) : les "
                "valeurs de cet ordinateur sont gardées en attendant."
            )
        return text


def _bases_of(session: Any, records: dict[str, list[SyncColumns]]) -> dict[str, Any]:
    """The merge bases of the archived records: {table: {id: base}}."""
    out: dict[str, Any] = {}
    for table, rows in records.items():
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 500):
            for base in session.scalars(
                select(SyncBase).where(
                    SyncBase.table_name == table, SyncBase.record_id.in_(ids[start : start + 500])
                )
            ):
                out.setdefault(table, {})[base.record_id] = {
                    "server_version": base.server_version,
                    "fields": base.fields,
                    "deleted": base.deleted,
                }
    return out


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


@dataclass(frozen=True)
class Base:
    """A record's merge base: the fields the server confirmed at a version (0: what a
    laptop that never synced the record last imported of it)."""

    version: int
    fields: dict[str, Any]
    deleted: bool

    @property
    def side(self) -> Side:
        return Side(self.fields, self.deleted)


def _parse_bases(path: Path, manifest: dict[str, Any]) -> dict[tuple[str, str], Base]:
    raw = manifest.get("bases", {})
    if not isinstance(raw, dict):
        raise _damaged(path, "section « bases » invalide")
    bases: dict[tuple[str, str], Base] = {}
    for table, by_id in raw.items():
        if table not in TABLES or not isinstance(by_id, dict):
            raise _damaged(path, f"base « {table} » invalide")
        for record_id, base in by_id.items():
            if not (
                isinstance(base, dict)
                and isinstance(base.get("server_version"), int)
                and isinstance(base.get("fields"), dict)
                and isinstance(base.get("deleted"), bool)
            ):
                raise _damaged(path, f"base de {table} « {record_id} » invalide")
            fields = {name: base["fields"].get(name) for name in TABLES[table]}
            bases[(table, record_id)] = Base(base["server_version"], fields, base["deleted"])
    return bases


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
    """Import an archive made by export_visit, merged like a pull (module docstring)."""
    manifest, blobs = _read_archive(path)
    visit_id, parsed = _parse(path, manifest)
    bases = _parse_bases(path, manifest)
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
        state = session.get(SyncState, STATE_ROW)
        here = state.server_url if state is not None else None
        there = manifest.get("server")
        merger = _Importer(
            svc, session, path.name, same_server=not (here and there and here != there)
        )
        _drop_dangling_links(session, parsed)
        for table in TABLE_ORDER:
            for fields in parsed[table]:
                merger.merge(table, fields, bases.get((table, fields["id"])), result)
            session.flush()
        merger.finish(result)
    return result


class _Importer:
    """Merges archived records into this laptop's, one at a time (see the docstring)."""

    def __init__(self, svc: Services, session: Any, archive: str, *, same_server: bool) -> None:
        self.svc = svc
        self.session = session
        self.archive = archive
        self.same_server = same_server
        self.now = svc.clock()
        self.conflicts = OpenConflicts(session)
        self.details = {"source": SOURCE_IMPORT, "archive": archive}
        self.won: list[tuple[str, str, str | None, bool]] = []  # edit beat a deletion
        self.alive: list[tuple[str, str]] = []  # written alive: no deleted parent may stay

    def merge(
        self, table: str, fields: dict[str, Any], archived_base: Base | None, result: ImportResult
    ) -> None:
        model = MODELS_BY_TABLE[table]
        record_id = fields["id"]
        version = fields["server_version"] if self.same_server else 0
        theirs = Side(_wire(table, fields), fields["deleted_at"] is not None)
        if archived_base is not None and not self.same_server and archived_base.version:
            archived_base = None  # another server's versions mean nothing here
        if archived_base is None and version and not fields["pending"]:
            archived_base = Base(version, dict(theirs.fields), theirs.deleted)  # its own base
        existing = self.session.get(model, record_id)
        if existing is None:
            self._insert(model, table, fields, version, archived_base, theirs)
            result.created += 1
            return
        local_base = self.session.get(SyncBase, (table, record_id))
        ours = Side(_wire(table, existing), existing.is_deleted)
        base = self._common_base(version, archived_base, existing.server_version, local_base)
        merged = merge_record(
            base.side if base is not None else None,
            ours,
            theirs,
            LONG_TEXT_FIELDS[table],
            keep="local",
        )
        found = self.conflicts.add(
            table, record_id, merged.conflicts, self.now, existing.server_version, self.details
        )
        result.conflicts += found
        if any(c.kind == "delete" for c in merged.conflicts):
            deletion = deletion_of(ours) if ours.deleted else deletion_of(theirs)
            self.won.append((table, record_id, deletion, ours.deleted))
        if merged.fields == ours.fields and merged.deleted == ours.deleted:
            result.unchanged += 1
            return
        for name, value in CODECS[table].to_columns(merged.fields).items():
            setattr(existing, name, value)
        if merged.deleted and not ours.deleted:
            existing.deleted_at = fields["deleted_at"] or self.now
        elif not merged.deleted:
            existing.deleted_at = None
            self.alive.append((table, record_id))
        # A pending local change, stamped now (a push in flight must not mark it clean),
        # by the archive's device (the history says who made the change).
        existing.updated_at = self.svc.clock()
        existing.updated_by = fields["updated_by"]
        existing.pending = True
        if existing.server_version == 0 and not found:
            self._import_base(table, record_id, theirs)
        result.updated += 1

    def _common_base(
        self, version: int, archived: Base | None, local_version: int, local: SyncBase | None
    ) -> Base | None:
        mine = Base(local.server_version, local.fields, local.deleted) if local else None
        if version and local_version:  # both synced with this server: the older base
            return archived if version <= local_version else mine
        if not version and not local_version:  # never synced: the last imports
            return mine if mine is not None and not mine.version else (
                archived if archived is not None and not archived.version else None
            )  # fmt: skip
        return None

    def _insert(
        self,
        model: Any,
        table: str,
        fields: dict[str, Any],
        version: int,
        base: Base | None,
        theirs: Side,
    ) -> None:
        values = dict(fields, server_version=version, pending=True)
        self.session.add(model(**values))
        if base is not None and base.version == version:
            self._base(table, fields["id"], base)
        elif not version:
            self._import_base(table, fields["id"], theirs)
        if not theirs.deleted:
            self.alive.append((table, fields["id"]))

    def _import_base(self, table: str, record_id: str, theirs: Side) -> None:
        self._base(table, record_id, Base(0, dict(theirs.fields), theirs.deleted))

    def _base(self, table: str, record_id: str, base: Base) -> None:
        row = self.session.get(SyncBase, (table, record_id))
        if row is None:
            self.session.add(
                SyncBase(
                    table_name=table,
                    record_id=record_id,
                    server_version=base.version,
                    fields=base.fields,
                    deleted=base.deleted,
                )
            )
        elif row.server_version == 0:  # a server base is never replaced by an import
            row.fields, row.deleted = base.fields, base.deleted

    def finish(self, result: ImportResult) -> None:
        """Undo the deletions an imported edit won over, whole, and any deletion of a
        parent of a record the import left alive: no live record under a deleted one."""
        self.session.flush()
        deletions = {d for _t, _i, d, _here in self.won if d is not None}
        revived = revive(
            self.session,
            self.svc.mark_changed,
            deletions=deletions,
            records=[(t, i) for t, i, _d, _here in self.won] + self.alive,
        )
        undone: dict[str | None, list[Revived]] = {}
        for row in revived:
            undone.setdefault(row.deletion_id, []).append(row)
        for table, record_id, deletion, deleted_here in self.won:
            undone.setdefault(deletion, [])
            rows = undone.pop(deletion)
            self._deletion_conflict(table, record_id, deletion, deleted_here, rows)
            result.conflicts += 1
        for deletion, rows in undone.items():  # parents of imported live records
            top = min(rows, key=lambda r: TABLE_ORDER.index(r.table))
            self._deletion_conflict(top.table, top.record_id, deletion, True, rows)
            result.conflicts += 1

    def _deletion_conflict(
        self,
        table: str,
        record_id: str,
        deletion: str | None,
        deleted_here: bool,
        rows: list[Revived],
    ) -> None:
        keys = {(r.table, r.record_id) for r in rows} | {(table, record_id)}
        top = min(keys, key=lambda k: TABLE_ORDER.index(k[0]))
        record = self.session.get(MODELS_BY_TABLE[top[0]], top[1])
        when = next((r.deleted_at for r in rows if (r.table, r.record_id) == top), None)
        version = record.server_version if record is not None else None
        details = {
            **self.details,
            "deletion_id": deletion,
            "deleted_here": deleted_here,
            "deleted_at": when.isoformat() if when is not None else None,
            "removed": len(keys),
            "kept_because": [{"table": table, "id": record_id, "here": not deleted_here, "by": ""}],
        }
        self.conflicts.add_deletion(top[0], top[1], deleted_here, self.now, version, details)


def _wire(table: str, record: Any) -> dict[str, Any]:
    """A record's (or an archived record's) fields as on the sync wire."""
    get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
    return {name: plain(get(name)) for name in TABLES[table]}


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
