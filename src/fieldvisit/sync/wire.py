"""The sync protocol: JSON documents exchanged by the client and the server.

Shared by both sides (the server imports only `core` and this module). Every model is
strict: unknown keys are refused and strings and lists are bounded, so a malformed or
oversized request fails validation with a clear message instead of reaching the code.

Endpoints (all under `/api/v1` except `/health`; JSON unless said otherwise):

    GET  /health                          HealthStatus (no authentication)
    POST /api/v1/login                    LoginRequest -> LoginResponse
    POST /api/v1/logout                   revokes the calling device's token
    GET  /api/v1/me                       UserInfo
    GET  /api/v1/changes?after=N&limit=M  PullPage: records with seq > N the user may read
    POST /api/v1/push                     PushBatch -> PushResult (idempotent per batch_id)
    POST /api/v1/lost-versions            LostVersionsQuery -> LostVersions (after a restore)
    GET  /api/v1/attachments/{sha256}     UploadStatus (how many bytes this account sent)
    PUT  /api/v1/attachments/{sha256}?offset=N&size=T   raw bytes -> UploadStatus
    GET  /api/v1/attachments/{sha256}/content            raw bytes (download on demand)
    GET  /api/v1/forms                    FormList (published form definitions)
    GET  /api/v1/forms/{id}/{version}     the TOML text
    PUT  /api/v1/forms/{id}/{version}     publish a TOML text (admin)
    GET  /api/v1/records/{table}/{id}/history   the versions pushes replaced (server/history.py)

Records travel as `fields`: every column of the local model except the sync columns
(`id`, `updated_at`, `updated_by`, `server_version`, `pending`, `deleted_at`), with
dates and datetimes as ISO text. `TABLES` describes them so that the server can check
pushed records without importing the client's store (a test keeps it equal to the
store models).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fieldvisit.core.action_plan import (
    CONTRACT_FIELDS,
    dispositifs_problem,
    euros_problem,
    funding_problem,
)
from fieldvisit.core.annotation import annotation_problem
from fieldvisit.core.domain import (
    CONCERN_LABELS,
    PRIORITY_LABELS,
    ActionStatus,
    ContactRole,
    Dispositif,
    Horizon,
    ObservationCategory,
    ObservationSeverity,
    Porteur,
    SignerRole,
    VisitStatus,
    VisitType,
)
from fieldvisit.core.geo import location_problem
from fieldvisit.core.ids import natural_id
from fieldvisit.core.limits import LONG_TEXT_CHARS
from fieldvisit.core.pins import PLAN_ROLE, pin_problem
from fieldvisit.core.signature import signer_name_problem, strokes_problem

# The territory rules live in core/territories.py; the server finds them here too.
from fieldvisit.core.territories import DEPARTEMENT_RE as DEPARTEMENT_RE
from fieldvisit.core.territories import departement_of_commune as departement_of_commune
from fieldvisit.core.unavailable import marker_problem

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"

MAX_ID = 64
MAX_BATCH_CHANGES = 1000
MAX_PAGE_RECORDS = 1000
MAX_RECORD_BYTES = 256 * 1024
MAX_FIELDS = 40
MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_CHUNK_BYTES = 8 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024
MAX_FORM_BYTES = 1024 * 1024
# One département of a public dataset, gzipped (the SSMSI base of the largest
# département is ~2 MB); server/reference.py refuses a file that would make more.
MAX_REFERENCE_PART_BYTES = 32 * 1024 * 1024

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
FORM_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

Role = Literal["agent", "coordinateur", "admin"]
ROLES: tuple[str, ...] = ("agent", "coordinateur", "admin")

RecordId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID, pattern=r"^[\w-]+$")]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_RE.pattern)]
Departement = Annotated[str, StringConstraints(pattern=DEPARTEMENT_RE.pattern)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
# Any JSON value (the body is parsed from JSON); sizes are bounded by _bounded_fields.
FieldValue = Any
FieldName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")
]

# --- the synced tables -------------------------------------------------------------
# kind: str | text | int | bool | date | datetime | json; "?" = nullable; ":N" = max length
# Long texts (what people type at length) share one limit, core/limits.py says why.
_TEXT = f"text:{LONG_TEXT_CHARS}"
_OPTIONAL_TEXT = f"text?:{LONG_TEXT_CHARS}"  # a field older apps do not send
TABLES: dict[str, dict[str, str]] = {
    "contacts": {
        "name": "str:200",
        "role": "str:32",
        "organisation": "str:200",
        "phone": "str?:40",
        "email": "str?:200",
        "commune_code": "str?:5",
        "created_at": "datetime",
    },
    "visits": {
        "commune_code": "str:5",
        "commune_name": "str:200",
        "departement": "str:3",
        "visit_date": "date",
        "visit_type": "str:16",
        "status": "str:16",
        "author": "str:200",
        "summary": _TEXT,
        "previous_visit_id": "str?:36",
        "checklist_form_id": "str?:64",
        "checklist_form_version": "int?",
        "diagnostic_form_id": "str?:64",
        "diagnostic_form_version": "int?",
        "created_at": "datetime",
    },
    "visit_participants": {"visit_id": "str:36", "contact_id": "str:36", "created_at": "datetime"},
    "answers": {
        "visit_id": "str:36",
        "form_id": "str:64",
        "item_id": "str:64",
        "value": "json?",
        "comment": _TEXT,
        "created_at": "datetime",
    },
    "interviews": {
        "visit_id": "str:36",
        "form_id": "str:64",
        "form_version": "int",
        "title": "str:200",
        "held_on": "date?",
        "notes": _TEXT,
        "created_at": "datetime",
    },
    "interviewees": {"interview_id": "str:36", "contact_id": "str:36", "created_at": "datetime"},
    "interview_answers": {
        "interview_id": "str:36",
        "item_id": "str:64",
        "value": "json?",
        "comment": _TEXT,
        "created_at": "datetime",
    },
    "theme_ratings": {
        "visit_id": "str:36",
        "theme_id": "str:64",
        "level": "int?",
        "observations": _TEXT,
        "created_at": "datetime",
    },
    "recommendations": {
        "visit_id": "str:36",
        "text": _TEXT,
        "theme_id": "str?:64",
        "priority": "int",
        "horizon": "str:16",
        "porteur": "str:32",
        "dispositif": "str:40",
        "due_date": "date?",
        "status": "str:16",
        "carried_from_id": "str?:36",
        # What a contrat de sécurité needs of an action (revision 0015).
        "dispositifs": "json?",
        "porteur_contact_id": "str?:36",
        "description": _OPTIONAL_TEXT,
        "estimated_cost": "int?",
        "funding": "json?",
        "success_indicator": _OPTIONAL_TEXT,
        "review_date": "date?",
        "created_at": "datetime",
    },
    "observations": {
        "visit_id": "str:36",
        "category": "str:32",
        "place": "str:300",
        "severity": "str:16",
        "comment": _TEXT,
        "action_id": "str?:36",
        "pin": "json?",
        "created_at": "datetime",
    },
    # Occurrences of a form's repeatable group and their answers (revision 0017).
    "repeat_occurrences": {
        "visit_id": "str:36",
        "form_id": "str:64",
        "group_id": "str:64",
        "created_at": "datetime",
    },
    "occurrence_answers": {
        "occurrence_id": "str:36",
        "visit_id": "str:36",
        "item_id": "str:64",
        "value": "json?",
        "created_at": "datetime",
    },
    "attachments": {
        "visit_id": "str:36",
        "sha256": "str:64",
        "filename": "str:255",
        "media_type": "str:100",
        "size": "int",
        "caption": _TEXT,
        "form_id": "str?:64",
        "item_id": "str?:64",
        # Read from the photo's EXIF at import (services/photo_facts.py); revision 0010.
        "taken_at": "datetime?",
        "orientation": "int?",
        "gps": "json?",
        # Shapes drawn over the photo (core/annotation.py); the original file is kept.
        "annotation": "json?",
        # The observation it shows, and "plan" for the plan of the town centre (0014).
        "observation_id": "str?:36",
        "role": "str?:16",
        "created_at": "datetime",
    },
    "quick_notes": {
        "visit_id": "str:36",
        "text": _TEXT,
        "noted_at": "datetime",
        "moved_to": "str?:140",
        "created_at": "datetime",
    },
    # A signature drawn on screen (revision 0016): one per visit and role.
    "signatures": {
        "visit_id": "str:36",
        "role": "str:16",
        "name": "str:200",
        "signed_at": "datetime",
        "strokes": "json",
        "created_at": "datetime",
    },
}

# Every record also carries the deletion that tombstoned it (None while it is alive):
# all the rows one deletion removed share its id, so a deletion travels, is checked by
# the server (server/deletions.py) and is undone as one operation (services/deletion.py).
DELETION_FIELD = "deletion_id"
for _spec in TABLES.values():
    _spec[DELETION_FIELD] = "str?:36"
# Fields an older app does not send (it keeps syncing; a missing one is None).
PHOTO_FIELDS = ("taken_at", "orientation", "gps", "annotation")
OBSERVATION_FIELDS = ("observation_id", "role")
ACTION_PLAN_FIELDS = CONTRACT_FIELDS
OPTIONAL_FIELDS = frozenset(
    {DELETION_FIELD, *PHOTO_FIELDS, *OBSERVATION_FIELDS, *ACTION_PLAN_FIELDS}
)

# Parents first: the order in which a client pushes and a new database can be filled.
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)

TableName = Literal[
    "contacts",
    "visits",
    "visit_participants",
    "answers",
    "interviews",
    "interviewees",
    "interview_answers",
    "theme_ratings",
    "recommendations",
    "observations",
    "repeat_occurrences",
    "occurrence_answers",
    "attachments",
    "quick_notes",
    "signatures",
]

# References between records: (field, table). The first one of a child table is the
# record its territory comes from (visit or interview); contacts have their own.
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "contacts": (),
    "visits": (("previous_visit_id", "visits"),),
    "visit_participants": (("visit_id", "visits"), ("contact_id", "contacts")),
    "answers": (("visit_id", "visits"),),
    "interviews": (("visit_id", "visits"),),
    "interviewees": (("interview_id", "interviews"), ("contact_id", "contacts")),
    "interview_answers": (("interview_id", "interviews"),),
    "theme_ratings": (("visit_id", "visits"),),
    "recommendations": (
        ("visit_id", "visits"),
        ("carried_from_id", "recommendations"),
        ("porteur_contact_id", "contacts"),
    ),
    "observations": (("visit_id", "visits"), ("action_id", "recommendations")),
    "repeat_occurrences": (("visit_id", "visits"),),
    # Its occurrence first: the answer's territory and parent (deleted with it).
    "occurrence_answers": (("occurrence_id", "repeat_occurrences"), ("visit_id", "visits")),
    "attachments": (("visit_id", "visits"), ("observation_id", "observations")),
    "quick_notes": (("visit_id", "visits"),),
    "signatures": (("visit_id", "visits"),),
}

# References that must stay inside the record's own visit: an observation's action is
# one of its visit's plan, a photo shows an observation of its visit, an occurrence's
# answer carries its occurrence's visit. The server refuses a push naming a record of
# another visit (server/records.py), whoever's it is.
SAME_VISIT_LINKS: frozenset[tuple[str, str]] = frozenset(
    {
        ("observations", "action_id"),
        ("attachments", "observation_id"),
        ("occurrence_answers", "occurrence_id"),
    }
)

#: the fields that name the record a child belongs to (PARENT: its first reference)
PARENT_LINKS = ("visit_id", "interview_id", "occurrence_id")

# The record a child belongs to and goes with (its visit, its interview): a live record
# may not stay under a deleted parent, and deleting a parent deletes its children.
PARENT: dict[str, tuple[str, str]] = {
    table: refs[0] for table, refs in REFERENCES.items() if refs and refs[0][0] in PARENT_LINKS
}
CHILDREN: dict[str, tuple[str, ...]] = {
    parent: tuple(t for t, (_, p) in PARENT.items() if p == parent)
    for parent in sorted({p for _, p in PARENT.values()})
}

# Long texts: the same field edited on both sides is merged line by line (diff3).
LONG_TEXT_FIELDS: dict[str, frozenset[str]] = {
    table: frozenset(
        name for name, kind in spec.items() if kind.partition(":")[0].rstrip("?") == "text"
    )
    for table, spec in TABLES.items()
}


# --- what the values mean ------------------------------------------------------------
# TABLES says what kind a value is; FIELD_RULES what it may be: the closed lists of
# core/domain.py, the ranges, the shapes of codes and ids. Checked by check_fields and
# check_field with the kinds, so the server refuses a record no laptop could show (a
# status "piratee" breaks every visit list that receives it) and a laptop checks what
# it pulls or resolves against the same definition.

INSEE_CODE_RE = re.compile(r"^([0-9]{5}|2[AB][0-9]{3})$")
# Items of forms and diagnostic themes (forms/enums.py: ID_PATTERN).
ITEM_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# Where a quick note went (services/notes.py): an item's comment or an interview's notes.
MOVED_TO_RE = re.compile(r"^(item:[a-z0-9][a-z0-9_-]*/[a-z][a-z0-9_]*|interview:[A-Za-z0-9_-]+)$")
MEDIA_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")


@dataclass(frozen=True)
class OneOf:
    """A value of a closed list."""

    values: tuple[str | int, ...]

    @classmethod
    def of(cls, enum: type[StrEnum]) -> OneOf:
        return cls(tuple(member.value for member in enum))

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, bool) and value in self.values:
            return None
        shown = ", ".join(str(v) for v in self.values)
        return f"« {_shown(value)} » n'est pas une valeur possible (valeurs : {shown})"


@dataclass(frozen=True)
class Matches:
    """A text of a given shape; `blank` accepts "" as well (no value)."""

    pattern: re.Pattern[str]
    what: str
    blank: bool = False

    def problem(self, value: Any) -> str | None:
        if isinstance(value, str) and (
            (self.blank and value == "") or (value.isascii() and self.pattern.fullmatch(value))
        ):
            return None
        return f"« {_shown(value)} » n'est pas {self.what}"


@dataclass(frozen=True)
class Between:
    """An integer from low to high, both included."""

    low: int
    high: int

    def problem(self, value: Any) -> str | None:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        ):
            return None
        return f"{_shown(value)} hors de l'intervalle {self.low} à {self.high}"


@dataclass(frozen=True)
class Checked:
    """A JSON value checked by a function of `core` (French problem or None)."""

    check: Callable[[Any], str | None]

    def problem(self, value: Any) -> str | None:
        return self.check(value)


FieldRule = OneOf | Matches | Between | Checked


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


# What an attachment is when it is not a photo: the plan of the town centre.
ATTACHMENT_ROLES: tuple[str, ...] = (PLAN_ROLE,)

_FORM_ID = Matches(FORM_ID_RE, "un identifiant de formulaire")
_ITEM_ID = Matches(ITEM_ID_RE, "un identifiant d'élément de formulaire")
_VERSION = Between(1, 1_000_000)
FIELD_RULES: dict[str, dict[str, FieldRule]] = {
    "contacts": {
        "role": OneOf.of(ContactRole),
        "commune_code": Matches(INSEE_CODE_RE, "un code commune INSEE", blank=True),
    },
    "visits": {
        "commune_code": Matches(INSEE_CODE_RE, "un code commune INSEE"),
        "departement": Matches(DEPARTEMENT_RE, "un numéro de département"),
        "visit_type": OneOf.of(VisitType),
        "status": OneOf.of(VisitStatus),
        "checklist_form_id": _FORM_ID,
        "checklist_form_version": _VERSION,
        "diagnostic_form_id": _FORM_ID,
        "diagnostic_form_version": _VERSION,
    },
    # The one object an answer holds is « Donnée indisponible » with its reason.
    "answers": {"form_id": _FORM_ID, "item_id": _ITEM_ID, "value": Checked(marker_problem)},
    "interviews": {"form_id": _FORM_ID, "form_version": _VERSION},
    "interview_answers": {"item_id": _ITEM_ID, "value": Checked(marker_problem)},
    "theme_ratings": {
        "theme_id": Matches(ITEM_ID_RE, "un identifiant de thème"),
        "level": OneOf(tuple(level for level in CONCERN_LABELS if level is not None)),
    },
    "recommendations": {
        "theme_id": Matches(ITEM_ID_RE, "un identifiant de thème"),
        "priority": OneOf(tuple(PRIORITY_LABELS)),
        "horizon": OneOf.of(Horizon),
        "porteur": OneOf.of(Porteur),
        "dispositif": OneOf.of(Dispositif),
        "status": OneOf.of(ActionStatus),
        "dispositifs": Checked(dispositifs_problem),
        "estimated_cost": Checked(euros_problem),
        "funding": Checked(funding_problem),
    },
    "observations": {
        "category": OneOf.of(ObservationCategory),
        "severity": OneOf.of(ObservationSeverity),
        "pin": Checked(pin_problem),
    },
    "repeat_occurrences": {"form_id": _FORM_ID, "group_id": _ITEM_ID},
    "occurrence_answers": {"item_id": _ITEM_ID, "value": Checked(marker_problem)},
    "attachments": {
        "role": OneOf(ATTACHMENT_ROLES),
        "sha256": Matches(SHA256_RE, "une empreinte SHA-256"),
        "media_type": Matches(MEDIA_TYPE_RE, "un type de fichier (type/sous-type)"),
        "size": Between(0, MAX_ATTACHMENT_BYTES),
        "form_id": _FORM_ID,
        "item_id": _ITEM_ID,
        "orientation": Between(1, 8),  # the eight EXIF orientations
        "gps": Checked(location_problem),
        "annotation": Checked(annotation_problem),
    },
    "quick_notes": {"moved_to": Matches(MOVED_TO_RE, "un élément ou un entretien")},
    "signatures": {
        "role": OneOf.of(SignerRole),
        "name": Checked(signer_name_problem),
        "strokes": Checked(strokes_problem),
    },
}

# --- natural keys ----------------------------------------------------------------------
# A record with a natural key has the id natural_id(prefix, *key) (core/ids.py), so two
# laptops answering the same item offline make one record. The server accepts such a
# record only under that id: nobody can take the id of someone else's future record, and
# two records never hold the same key. The first key field is the record's parent.
NATURAL_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    "visit_participants": ("participant", ("visit_id", "contact_id")),
    "answers": ("answer", ("visit_id", "form_id", "item_id")),
    "interviewees": ("interviewee", ("interview_id", "contact_id")),
    "interview_answers": ("interview-answer", ("interview_id", "item_id")),
    "theme_ratings": ("rating", ("visit_id", "theme_id")),
    # One signature per visit and role: signing again replaces it.
    "signatures": ("signature", ("visit_id", "role")),
    "occurrence_answers": ("occurrence-answer", ("occurrence_id", "item_id")),
}

# The fields that say what a record belongs to: they never change once the record
# exists (an answer moved to another visit would leave the laptops of the old one with
# a record they cannot place). A visit belongs to its département (see the server).
PARENT_FIELDS: dict[str, tuple[str, ...]] = {
    "contacts": (),
    "visits": (),
    "visit_participants": ("visit_id", "contact_id"),
    "answers": ("visit_id",),
    "interviews": ("visit_id",),
    "interviewees": ("interview_id", "contact_id"),
    "interview_answers": ("interview_id",),
    "theme_ratings": ("visit_id",),
    "recommendations": ("visit_id",),
    "observations": ("visit_id",),
    "repeat_occurrences": ("visit_id", "form_id", "group_id"),
    "occurrence_answers": ("occurrence_id", "visit_id"),
    "attachments": ("visit_id",),
    "quick_notes": ("visit_id",),
    "signatures": ("visit_id",),
}


def natural_record_id(table: str, fields: Mapping[str, Any]) -> str | None:
    """The id a record of table with these fields must have; None if the table has no
    natural key (or a key field is not a text, which check_fields refuses)."""
    spec = NATURAL_KEYS.get(table)
    if spec is None:
        return None
    prefix, names = spec
    parts = [fields.get(name) for name in names]
    if not all(isinstance(part, str) for part in parts):
        return None
    return natural_id(prefix, *(str(part) for part in parts))


def _parse_kind(kind: str) -> tuple[str, bool, int | None]:
    base, _, length = kind.partition(":")
    return base.rstrip("?"), base.endswith("?"), int(length) if length else None


_CHECKS: dict[str, tuple[tuple[str, str, bool, int | None], ...]] = {
    table: tuple((name, *_parse_kind(kind)) for name, kind in spec.items())
    for table, spec in TABLES.items()
}


def check_fields(table: str, fields: dict[str, Any], *, lengths: bool = True) -> str | None:
    """Why these fields are not a valid record of table (French), or None if valid.

    `lengths=False` leaves out the maximum lengths (a laptop vetting pulled records: a
    text over today's limit, accepted by an older server, is still one it can hold)."""
    checks = _CHECKS.get(table)
    if checks is None:
        return f"table inconnue « {table} »"
    if len(fields) != len(checks) or any(name not in fields for name, *_ in checks):
        spec = TABLES[table]
        missing = sorted(set(spec) - set(fields) - OPTIONAL_FIELDS)
        if not missing and not set(fields) - set(spec):
            absent = {name: None for name in spec if name not in fields}  # optional ones
            return check_fields(table, {**absent, **fields}, lengths=lengths)
        if missing:
            return f"champs manquants : {', '.join(missing)}"
        return f"champs inconnus : {', '.join(sorted(set(fields) - set(spec)))}"
    rules = FIELD_RULES.get(table, {})
    for name, base, nullable, length in checks:
        value = fields[name]
        problem = _check_value(base, nullable, length if lengths else None, value)
        if problem is None and value is not None and name in rules:
            problem = rules[name].problem(value)
        if problem:
            return f"champ « {name} » : {problem}"
    return None


def check_field(table: str, name: str, value: Any) -> str | None:
    """Why value is not valid for this field (French), or None if it is."""
    for field_name, base, nullable, length in _CHECKS.get(table, ()):
        if field_name == name:
            problem = _check_value(base, nullable, length, value)
            rule = FIELD_RULES.get(table, {}).get(name)
            if problem is None and value is not None and rule is not None:
                problem = rule.problem(value)
            return problem
    return f"champ inconnu « {name} »"


def _check_value(base: str, nullable: bool, length: int | None, value: Any) -> str | None:
    if value is None:
        return None if nullable else "valeur obligatoire"
    if base in ("str", "text"):
        if not isinstance(value, str):
            return "texte attendu"
        if length is not None and len(value) > length:
            return f"plus de {length} caractères"
    elif base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "entier attendu"
    elif base == "bool":
        if not isinstance(value, bool):
            return "booléen attendu"
    elif base in ("date", "datetime"):
        if not isinstance(value, str):
            return "date attendue"
        try:
            parsed = (date if base == "date" else datetime).fromisoformat(value)
        except ValueError:
            return "date invalide"
        if isinstance(parsed, datetime) and parsed.tzinfo is None:
            return "date sans fuseau horaire"
    return None


# --- documents -----------------------------------------------------------------------


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _size(value: Any, budget: int) -> int:
    """An upper estimate of a JSON value's encoded size, stopping past budget."""
    if isinstance(value, str):
        return len(value) * 2 + 2  # escapes included, generously
    if isinstance(value, dict):
        total = 2
        for key, item in value.items():
            total += len(key) + 4 + _size(item, budget - total)
            if total > budget:
                break
        return total
    if isinstance(value, list):
        total = 2
        for item in value:
            total += 1 + _size(item, budget - total)
            if total > budget:
                break
        return total
    return 24


def record_size_problem(fields: Mapping[str, Any]) -> str | None:
    """Why a record's fields are too large to be accepted (French), or None.

    Checked per record by the server (code "too_large"), not by the Change model: one
    oversized record must not make the whole batch invalid (the rest would never be
    applied, round after round).
    """
    if len(fields) > MAX_FIELDS:
        return f"plus de {MAX_FIELDS} champs"
    if _size(fields, MAX_RECORD_BYTES) > MAX_RECORD_BYTES and (
        len(json.dumps(fields, ensure_ascii=False, separators=(",", ":"))) > MAX_RECORD_BYTES
    ):
        return f"enregistrement de plus de {MAX_RECORD_BYTES // 1024} Kio"
    return None


class HealthStatus(WireModel):
    status: Literal["ok"]
    protocol: int
    version: str


class LoginRequest(WireModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    device_id: RecordId
    device_name: ShortText = ""


class UserInfo(WireModel):
    username: str
    role: Role
    territories: list[str]


class LoginResponse(WireModel):
    token: str
    expires_at: datetime
    user: UserInfo


class PulledRecord(WireModel):
    """A record as the server holds it; updated_at/updated_by are for display only.

    Its size is checked when it is pushed, not again on every pull.
    """

    table: TableName
    id: RecordId
    version: int = Field(ge=1)
    seq: int = Field(ge=1)
    fields: dict[FieldName, FieldValue]
    deleted_at: datetime | None = None
    updated_by: str = ""
    updated_at: datetime
    # The account that pushed this version (shown in the laptops' history).
    updated_by_user: str = Field(default="", max_length=100)


class PullPage(WireModel):
    records: list[PulledRecord] = Field(max_length=MAX_PAGE_RECORDS)
    next_cursor: int = Field(ge=0)
    has_more: bool
    # Changes whenever a form is published: clients fetch the form list only then.
    forms_digest: str = Field(default="", max_length=64)
    # Changes with the user's role or territories: the client then pulls from 0 again
    # (records of a newly granted territory are older than its cursor).
    scope: str = Field(default="", max_length=64)
    # The server's identity, changed by a restore from a backup, and its committed
    # sequence (a cursor beyond it means the same): the client then re-offers what the
    # server lost (POST /api/v1/lost-versions) and pulls from 0 (server/epoch.py).
    epoch: str = Field(default="", max_length=64)
    sequence: int | None = Field(default=None, ge=0)
    # Changes whenever a part of a public dataset of the user's territories changes
    # (server/reference.py): clients fetch the list of parts only then. "" for none.
    reference_digest: str = Field(default="", max_length=64)


class Change(WireModel):
    """One local change: base_version is the server version it was based on (0 = new).

    Its size is checked by the server record by record (record_size_problem).
    """

    table: TableName
    id: RecordId
    base_version: int = Field(ge=0)
    fields: dict[FieldName, FieldValue]
    deleted: bool = False


class PushBatch(WireModel):
    batch_id: RecordId
    device_id: RecordId
    changes: list[Change] = Field(min_length=1, max_length=MAX_BATCH_CHANGES)


ChangeStatus = Literal["accepted", "conflict", "rejected"]

# Why a change was rejected, for the client to act on (the French `reason` is for
# people). A change rejected with one of RETRY_LATER_CODES waits for something that has
# not reached the server yet (its parent, its file) or for the client to pull first (a
# parent deleted meanwhile, children added meanwhile): it stays pending and goes again
# at the next round. Any other code is a refusal for good: the client stops sending the
# change as it is and shows it to the person (keep a copy, discard, fix).
RejectionCode = Literal[
    "invalid",  # a field's kind, length, enum value or range is not valid
    "too_large",  # the record is over MAX_RECORD_BYTES
    "out_of_territory",  # the user may not write there (or read what it refers to)
    "parent_changed",  # a record's parent (visit_id, interview_id…) never changes
    "natural_key_taken",  # another record already holds this natural key
    "natural_id_mismatch",  # a natural-key id that does not match its parent and key
    "commune_mismatch",  # a visit's département is not its commune's
    "parent_unknown",  # the parent has not reached the server yet
    "file_not_received",  # an attachment record before its file is complete
    "parent_deleted",  # a live record under a parent deleted on the server
    "children_changed",  # a deletion of a parent whose children changed on the server
]
RETRY_LATER_CODES: frozenset[str] = frozenset(
    {"parent_unknown", "file_not_received", "parent_deleted", "children_changed"}
)


class ChangeResult(WireModel):
    """accepted + version | conflict + the server's current record | rejected + reason
    and code (see RejectionCode)."""

    table: TableName
    id: RecordId
    status: ChangeStatus
    version: int | None = None
    current: PulledRecord | None = None
    reason: str | None = None
    code: RejectionCode | None = None


class PushResult(WireModel):
    batch_id: str
    results: list[ChangeResult]
    replayed: bool = False


class HeldVersion(WireModel):
    """A record version a laptop holds (its `server_version`)."""

    table: TableName
    id: RecordId
    version: int = Field(ge=1)


class LostVersionsQuery(WireModel):
    """After a restore: which of these versions does the server of `epoch` lack?"""

    epoch: str = Field(min_length=1, max_length=64)
    records: list[HeldVersion] = Field(max_length=MAX_BATCH_CHANGES)


class RestoredBase(WireModel):
    """A version the server lost: re-offer the record on top of `version` (0: the server
    had no such record), whose fields become the merge base (None: no base)."""

    table: TableName
    id: RecordId
    version: int = Field(ge=0)
    fields: dict[FieldName, FieldValue] | None = None
    deleted: bool = False


class LostVersions(WireModel):
    epoch: str
    records: list[RestoredBase] = Field(max_length=MAX_BATCH_CHANGES)


class UploadStatus(WireModel):
    sha256: Sha256
    size: int | None
    received: int
    complete: bool


class FormSummary(WireModel):
    form_id: str
    version: int
    sha256: Sha256
    size: int
    published_at: datetime


class FormList(WireModel):
    forms: list[FormSummary]


# Public datasets held by the server (fieldvisit.reference.datasets).
REFERENCE_DATASETS: tuple[str, ...] = ("ssmsi", "pvd", "frr", "gendarmerie")
REFERENCE_DATASET_RE = re.compile(r"^(ssmsi|pvd|frr|gendarmerie)$")


class ReferencePart(WireModel):
    """One département of a public dataset: GET /api/v1/reference/{dataset}/{territory}
    gives its bytes (the published header and that département's rows, gzipped)."""

    dataset: Literal["ssmsi", "pvd", "frr", "gendarmerie"]
    territory: Departement
    sha256: Sha256
    size: int = Field(ge=0, le=MAX_REFERENCE_PART_BYTES)
    rows: int = Field(ge=0)
    edition: ShortText
    source: str = Field(max_length=300)
    imported_at: datetime


class ReferenceIndex(WireModel):
    parts: list[ReferencePart] = Field(max_length=4 * 200)


class ErrorBody(WireModel):
    """Every error answer: a French message and a short machine-readable code."""

    detail: str
    code: str
