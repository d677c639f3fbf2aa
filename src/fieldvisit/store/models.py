"""Typed SQLAlchemy 2.x models of the user's records.

Every user-made record carries the sync columns (`SyncColumns`). Rows are never
hard-deleted before the server confirms: `deleted_at` is a tombstone.

Rows that have a natural key — one answer per (visit, form, item), one rating per
(visit, theme), one interviewee per (interview, contact) — get a *deterministic* id
derived from that key (`core.ids.natural_id`; the keys are `sync/wire.py:
NATURAL_KEYS`). Two laptops answering the same item offline then write the same
record, which the sync merges field by field, instead of two rows that would violate
the unique key on the server.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, configure_mappers, mapped_column

# natural_id lives in core (the server checks natural-key ids with it); importing it
# from here keeps working.
from fieldvisit.core.ids import NATURAL_ID_NAMESPACE as NATURAL_ID_NAMESPACE
from fieldvisit.core.ids import natural_id as natural_id
from fieldvisit.core.ids import new_id
from fieldvisit.store.base import Base
from fieldvisit.store.types import JSONValue


class LocalMeta(Base):
    """Key/value facts about this database (device id…); never synced."""

    __tablename__ = "local_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SyncColumns:
    """The columns of ARCHITECTURE.md "Data" carried by every user record."""

    __tablename__: str  # each model's own (typed here for code that takes any)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))
    server_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    pending: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))
    deleted_at: Mapped[datetime | None]
    # The deletion that tombstoned this row (one id per soft_delete, revision 0005):
    # synced with the row, so that a deletion is undone whole (services/deletion.py).
    deletion_id: Mapped[str | None] = mapped_column(String(36))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Contact(SyncColumns, Base):
    __tablename__ = "contacts"
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    commune_code: Mapped[str | None] = mapped_column(String(5))


class Visit(SyncColumns, Base):
    __tablename__ = "visits"
    commune_code: Mapped[str] = mapped_column(String(5))
    commune_name: Mapped[str] = mapped_column(String(200))
    departement: Mapped[str] = mapped_column(String(3))
    visit_date: Mapped[date] = mapped_column(Date)
    visit_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    previous_visit_id: Mapped[str | None] = mapped_column(ForeignKey("visits.id"))
    checklist_form_id: Mapped[str | None] = mapped_column(String(64))
    checklist_form_version: Mapped[int | None]
    diagnostic_form_id: Mapped[str | None] = mapped_column(String(64))
    diagnostic_form_version: Mapped[int | None]

    __table_args__ = (
        Index("ix_visits_visit_date", "visit_date"),
        Index("ix_visits_commune_code", "commune_code"),
        # The visit list (services/listing.py) reads these columns of every live visit,
        # newest first: from this index alone, in its order, without touching the rows
        # (which carry the summary) — revision 0009.
        Index(
            "ix_visits_list",
            "visit_date",
            "id",
            "commune_code",
            "commune_name",
            "departement",
            "visit_type",
            "status",
            "author",
            "checklist_form_id",
            "checklist_form_version",
            "diagnostic_form_id",
            "diagnostic_form_version",
            "deleted_at",  # NULL in every entry; listed so that SQLite reads nothing else
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )


class VisitParticipant(SyncColumns, Base):
    __tablename__ = "visit_participants"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"))
    __table_args__ = (UniqueConstraint("visit_id", "contact_id"),)


class Answer(SyncColumns, Base):
    """One answer to one item of a visit-level form (checklist or diagnostic items)."""

    __tablename__ = "answers"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        UniqueConstraint("visit_id", "form_id", "item_id"),
        # The visit list computes every visit's progress from its given answers: a
        # partial index of exactly those rows, holding what progress reads in the order
        # it groups them, answers it from the index alone (revision 0011; it replaced
        # 0003's index of the visit id only).
        Index(
            "ix_answers_given",
            "visit_id",
            "form_id",
            "item_id",
            "value",
            "deleted_at",  # NULL in every entry; listed so that SQLite reads nothing else
            sqlite_where=text("deleted_at IS NULL AND value IS NOT NULL"),
        ),
    )


class Interview(SyncColumns, Base):
    __tablename__ = "interviews"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200), default="")
    held_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_interviews_visit_id", "visit_id"),)


class Interviewee(SyncColumns, Base):
    __tablename__ = "interviewees"
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"))
    __table_args__ = (UniqueConstraint("interview_id", "contact_id"),)


class InterviewAnswer(SyncColumns, Base):
    __tablename__ = "interview_answers"
    interview_id: Mapped[str] = mapped_column(ForeignKey("interviews.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("interview_id", "item_id"),)


class ThemeRating(SyncColumns, Base):
    """Diagnostic: the level of concern for one theme of a visit (None = non évalué)."""

    __tablename__ = "theme_ratings"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    theme_id: Mapped[str] = mapped_column(String(64))
    level: Mapped[int | None]
    observations: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("visit_id", "theme_id"),)


class Recommendation(SyncColumns, Base):
    """A recommendation of the action plan; carried over to follow-up visits while open."""

    __tablename__ = "recommendations"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    text: Mapped[str] = mapped_column(Text)
    theme_id: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=2)
    horizon: Mapped[str] = mapped_column(String(16))
    porteur: Mapped[str] = mapped_column(String(32))
    dispositif: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    carried_from_id: Mapped[str | None] = mapped_column(ForeignKey("recommendations.id"))
    # What a contrat de sécurité needs of an action (revision 0015; core/action_plan.py):
    # its dispositifs (a list of codes; None for a record of an older app, which reads
    # as its single `dispositif`), the person who carries it besides the organisation,
    # a description, its estimated cost and funding lines (whole euros), a success
    # indicator and a review date. The texts are nullable: an older app sends none
    # (None reads as "").
    dispositifs: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    porteur_contact_id: Mapped[str | None] = mapped_column(ForeignKey("contacts.id"))
    description: Mapped[str | None] = mapped_column(Text, default="")
    estimated_cost: Mapped[int | None]
    funding: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    success_indicator: Mapped[str | None] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (Index("ix_recommendations_visit_id", "visit_id"),)


class Observation(SyncColumns, Base):
    """One observation of the walk (« Points d'attention », revision 0014).

    A record of its own with a UUIDv7, not an answer: the walk finds as many as it
    finds, and two laptops adding observations offline add two records (no natural key
    to collide on); each field merges on its own. Its fields are the items of the
    form's repeatable group (forms/visite-centre-bourg.v3.toml). Numbered in the report
    by creation order (ids are time-ordered), which every laptop agrees on.
    """

    __tablename__ = "observations"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    category: Mapped[str] = mapped_column(String(32))  # core/domain.py ObservationCategory
    place: Mapped[str] = mapped_column(String(300), default="")
    severity: Mapped[str] = mapped_column(String(16))  # ObservationSeverity
    comment: Mapped[str] = mapped_column(Text, default="")
    # The action of the plan it led to (« Créer une action »; same visit).
    action_id: Mapped[str | None] = mapped_column(ForeignKey("recommendations.id"))
    # Where it is on the visit's plan (core/pins.py: {"x", "y"} fractions), or None.
    pin: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    __table_args__ = (Index("ix_observations_visit_id", "visit_id"),)


class RepeatOccurrence(SyncColumns, Base):
    """One occurrence of a repeatable group of a visit's form (revision 0017).

    Any form's `repeat = true` section (an XLSForm's `begin repeat`) but the walk's
    « Points d'attention », which are observations. A record of its own with a UUIDv7:
    two laptops adding occurrences offline add two records, never a conflict. Numbered
    by creation order (created_at, then id), which every laptop agrees on. Its answers
    are `OccurrenceAnswer`s; the form version is the one the visit pins.
    """

    __tablename__ = "repeat_occurrences"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    group_id: Mapped[str] = mapped_column(String(64))  # the section's id
    __table_args__ = (Index("ix_repeat_occurrences_visit_id", "visit_id"),)


class OccurrenceAnswer(SyncColumns, Base):
    """The answer to one item of one occurrence (revision 0017), merged as answers are:
    its id is the natural key's (occurrence, item), so two laptops answering the same
    item write one record. `visit_id` is the occurrence's (never changes): the server
    scopes and checks the answer with it, a screen reads a visit's answers in one query.
    """

    __tablename__ = "occurrence_answers"
    occurrence_id: Mapped[str] = mapped_column(ForeignKey("repeat_occurrences.id"))
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    __table_args__ = (
        UniqueConstraint("occurrence_id", "item_id"),
        Index("ix_occurrence_answers_visit_id", "visit_id"),
    )


class Attachment(SyncColumns, Base):
    """Metadata of a content-addressed file (photo, scanned document)."""

    __tablename__ = "attachments"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    caption: Mapped[str] = mapped_column(Text, default="")
    form_id: Mapped[str | None] = mapped_column(String(64))
    item_id: Mapped[str | None] = mapped_column(String(64))
    # A photo's EXIF, read at import (revision 0010): when it was taken (UTC), its EXIF
    # orientation (1-8) and where (core/geo.py: {"lat", "lon"}; None when the phone
    # wrote none or the Préférences remove it from stored photos).
    taken_at: Mapped[datetime | None]
    orientation: Mapped[int | None]
    gps: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    # Shapes drawn over the photo (core/annotation.py); the file itself never changes.
    annotation: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    # The observation of the walk this photo shows (revision 0014; same visit).
    observation_id: Mapped[str | None] = mapped_column(ForeignKey("observations.id"))
    # "plan": the plan of the town centre observations are pinned on (revision 0014);
    # None for a photo.
    role: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (
        Index("ix_attachments_visit_id", "visit_id"),
        Index("ix_attachments_sha256", "sha256"),
    )


class Signature(SyncColumns, Base):
    """A signature drawn on screen for a visit's report (revision 0016).

    One per visit and signer role (core/domain.py SignerRole: the author, the maire, the
    commandant de brigade): its id is natural_id("signature", visit_id, role), so two
    laptops signing for the same role offline make one record, and signing again
    replaces the drawing, the name and the date. The drawing is the pen's strokes
    (core/signature.py), stored in the (encrypted) database, not a file.
    """

    __tablename__ = "signatures"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    role: Mapped[str] = mapped_column(String(16))  # core/domain.py SignerRole
    name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime]
    strokes: Mapped[Any] = mapped_column(JSONValue)
    __table_args__ = (UniqueConstraint("visit_id", "role"),)


class QuickNote(SyncColumns, Base):
    """A timestamped note typed in a hurry, to be moved onto an item or interview later."""

    __tablename__ = "quick_notes"
    visit_id: Mapped[str] = mapped_column(ForeignKey("visits.id"))
    text: Mapped[str] = mapped_column(Text)
    noted_at: Mapped[datetime]
    moved_to: Mapped[str | None] = mapped_column(String(140))
    __table_args__ = (Index("ix_quick_notes_visit_id", "visit_id"),)


class HistoryEntry(Base):
    """One change of one field of a user record, kept on this laptop (revision 0004).

    Written in the same transaction as the change (store/history.py): the value before
    and after (as on the sync wire: JSON, dates ISO), when, by whom (the sync account
    of this data dir, or the colleague a pulled change came from), from which device,
    and how (`origin`: edit, pulled, merge, restore, import). Never synced: the server
    keeps its own history of the versions it replaced.
    """

    __tablename__ = "record_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    field_name: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    # When the entry's first change was made (the start of its coalescing window) and
    # when its newest one was; they differ only for coalesced autosaves.
    started_at: Mapped[datetime]
    changed_at: Mapped[datetime]
    user_name: Mapped[str | None] = mapped_column(String(100))
    device_id: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    __table_args__ = (Index("ix_record_history_record", "table_name", "record_id", "field_name"),)


USER_RECORD_MODELS: tuple[type[SyncColumns], ...] = (
    Contact,
    Visit,
    VisitParticipant,
    Answer,
    Interview,
    Interviewee,
    InterviewAnswer,
    ThemeRating,
    Recommendation,
    Observation,
    RepeatOccurrence,
    OccurrenceAnswer,
    Attachment,
    QuickNote,
    Signature,
)

# Every sync round counts and reads the pending rows of each synced table: a partial
# index of exactly those (empty on a synced laptop) keeps a round that has nothing to
# send as fast with 50,000 records as with 1,000 (revision 0009). Declared for every
# synced model, so a new table gets one too. Queries must say `pending = 1` (a bare
# boolean column in SQLAlchemy), not `pending IS 1`, for SQLite to use it.
for _model in USER_RECORD_MODELS:
    _table = Base.metadata.tables[_model.__tablename__]  # type: ignore[attr-defined]
    Index(f"ix_{_table.name}_pending", _table.c.pending, sqlite_where=text("pending = 1"))

# The sync bookkeeping tables (revision 0002) belong to the same schema: importing the
# models always gives Alembic and the tests the whole metadata. (The session hooks,
# store/history.py and store/limits.py, are installed by the store's first session.)
from fieldvisit.store import sync_models  # noqa: E402, F401

# Resolve relationships and column mappings now, at import, rather than inside the
# first query a person waits for (and so that a mapping mistake fails loudly at once).
configure_mappers()
