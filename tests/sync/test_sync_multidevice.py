"""Property: three laptops and a hostile account of another territory, random edits,
conflict resolutions, deletions, archives, reports issued and visits reopened, offline
periods, dropped and duplicated requests, server restarts and restores; after everyone
syncs, the promises of docs/ARCHITECTURE.md "Sync" and docs/SECURITY.md hold.

A hypothesis state machine (`RuleBasedStateMachine`), one rule per operation. The
laptops (`multidevice_world.USERS`): two of one agent of Cantal (15), one of a
coordinator of Cantal and Haute-Loire (43). The hostile account (`hostile_account.py`)
is an agent of 43 who pushes crafted records over the wire.

Every text typed on a laptop is made of unique words ("w17"), so "not lost" is
checkable; every record of the hostile account carries a word "pirate3", so "never
reaches another territory" is checkable. The promises, checked once everyone synced
(`teardown`), each a method named after it:

- `no_laptop_sync_is_stuck`: every round completes, within a bounded number of
  requests; a few rounds later nothing is sent, received, refused or held any more.
- `every_laptop_and_the_server_hold_the_same_data`: each laptop holds exactly what the
  server lets its user read (a full pull from 0 with its token), nothing pending.
- `nothing_typed_is_lost`: each word typed is in the data (deleted records keep their
  fields), in an open conflict, or was removed by a person who had it in front of them
  (an edit of the value they saw, a conflict resolved between the values shown).
- `every_pushed_value_is_in_the_data_a_conflict_or_the_history`: each word the server
  accepted from a laptop is in the data, an open conflict, or the history (the server's
  versions or a laptop's).
- `no_live_child_of_a_deleted_parent`, on the server and every laptop.
- `an_undone_deletion_brings_back_all_it_removed`: a visit alive at the end has every
  record its deletions removed alive (unless deleted on its own).
- `the_server_holds_only_valid_records`: field kinds and lengths (the wire's rules),
  domain values, a visit's département is its commune's, natural-key ids match their
  parent and key, references resolve, parents never change, live attachments have
  their file.
- `the_hostile_accounts_records_never_reach_another_territory`: no trace of them on the
  agent of 15's laptops; on the server and the coordinator's laptop, only in visits of
  Haute-Loire.
- `photos_are_served_only_to_who_may_read_them`: the hostile account never gets the
  bytes (or the upload status) of a photo of 15; each photo reaches its territory.
- `every_laptop_can_read_what_it_holds`: the visit list and the conflict view read.

Examples (the runner at the end): the "dev" profile (the default) runs 25 random ones
in the test's process; CI (FIELDVISIT_HYPOTHESIS_PROFILE=ci, set by .ci/run) runs
1,000 examples of up to 20 steps, split between two processes, each from a fixed seed
(the same examples at every run): about 2.5 minutes on an idle 2-core machine, 4 when
it is shared (0.27 s of CPU per example). Each example copies a world made once per
process (`multidevice_world.py`).
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import re
import traceback
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hostile_account import MARKER, OVERSIZED
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from multidevice_world import (
    EXAMPLE_START,
    GUIDE,
    LAPTOP_NAMES,
    REPEAT_FORM,
    REPEAT_GROUP,
    TERRITORIES,
    USERS,
    DropsAnswers,
    Duplicates,
    Offline,
    TestServer,
    WatchedClient,
    the_world,
)
from sqlalchemy import select

from completing import complete
from fieldvisit.core import domain
from fieldvisit.core.errors import FieldvisitError, RuleViolation
from fieldvisit.core.pins import Pin
from fieldvisit.core.unavailable import unavailable
from fieldvisit.report.issued import keep_issued, prepare_issue
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services import Services, observations, repeats, signatures
from fieldvisit.services import history as history_service
from fieldvisit.services.actions import add_recommendation, update_recommendation
from fieldvisit.services.answers import answer_item
from fieldvisit.services.attachments import attach_file, list_photos
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.interviews import record_interview, update_interview
from fieldvisit.services.issued_guard import ISSUED_MESSAGE
from fieldvisit.services.listing import list_visits
from fieldvisit.services.visits import plan_visit, reopen_visit, update_visit
from fieldvisit.store.models import (
    Answer,
    Interview,
    Observation,
    OccurrenceAnswer,
    Recommendation,
    RepeatOccurrence,
    Visit,
    natural_id,
)
from fieldvisit.sync import refusals
from fieldvisit.sync.archive import export_visit, import_visit
from fieldvisit.sync.client import SyncClient, SyncError
from fieldvisit.sync.codec import TABLE_OBJECTS, row_fields
from fieldvisit.sync.conflicts import conflict_entries, open_conflicts, resolve_conflict
from fieldvisit.sync.engine import SyncEngine, SyncReport
from fieldvisit.sync.refusals import refused_changes
from fieldvisit.sync.status import sync_status
from fieldvisit.sync.vetting import set_aside_entries
from fieldvisit.sync.wire import (
    OPTIONAL_FIELDS,
    REFERENCES,
    SAME_VISIT_LINKS,
    TABLES,
    check_fields,
    departement_of_commune,
)

PROFILE = os.environ.get("FIELDVISIT_HYPOTHESIS_PROFILE", "dev")
FORM = "visite-centre-bourg"
ITEMS = ("marche_exploratoire", "parcours")
WORD = re.compile(r"w\d+")
MAX_VISITS = 2  # planned in the Cantal, the world's included
MAX_INTERVIEWS = 2  # recorded during an example
# what two people may type at once
TEXTS = ("summary", "author", "comment", "notes", "observation", "signature")
ISSUED = domain.VisitStatus.RAPPORT_EMIS.value
AGENT_LAPTOPS = tuple(n for n, user in enumerate(USERS) if user == "agent15")
OUTSIDE_COMMUNE = "43157"  # Le Puy-en-Velay: not in the agent of 15's territory
TOO_LONG = 270_000  # characters: a record over the wire's 256 KiB
FINAL_ROUNDS_PER_LAPTOP = 4  # at the end, until a quiet stretch
Key = tuple[str, str, str]  # table, record id, field
Snapshot = dict[tuple[str, str], tuple[dict[str, Any], bool]]  # (table, id) -> fields, deleted

laptops = st.integers(0, len(USERS) - 1)
picks = st.integers(0, 5)
PLAN_DISPOSITIFS = [d.value for d in domain.Dispositif if d != domain.Dispositif.AUCUN]
FUNDING_SOURCES = [source.value for source in domain.FundingSource]

# Domain values of the fields that hold one (core/domain.py).
DOMAIN_VALUES: dict[tuple[str, str], type[domain.LabelledEnum]] = {
    ("visits", "status"): domain.VisitStatus,
    ("visits", "visit_type"): domain.VisitType,
    ("contacts", "role"): domain.ContactRole,
    ("recommendations", "horizon"): domain.Horizon,
    ("recommendations", "porteur"): domain.Porteur,
    ("recommendations", "dispositif"): domain.Dispositif,
    ("recommendations", "status"): domain.ActionStatus,
    ("observations", "category"): domain.ObservationCategory,
    ("observations", "severity"): domain.ObservationSeverity,
    ("signatures", "role"): domain.SignerRole,
}
# How each record with a natural key gets its id (store/models.py natural_id).
NATURAL_IDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "answers": ("answer", ("visit_id", "form_id", "item_id")),
    "theme_ratings": ("rating", ("visit_id", "theme_id")),
    "visit_participants": ("participant", ("visit_id", "contact_id")),
    "interviewees": ("interviewee", ("interview_id", "contact_id")),
    "interview_answers": ("interview-answer", ("interview_id", "item_id")),
    "signatures": ("signature", ("visit_id", "role")),
    "occurrence_answers": ("occurrence-answer", ("occurrence_id", "item_id")),
}
# The reference a child's life hangs on (a visit's records, an interview's parts).
OWNERS = {
    table: refs[0]
    for table, refs in REFERENCES.items()
    if refs and refs[0][0] in ("visit_id", "interview_id", "occurrence_id")
}


@dataclass(frozen=True)
class Outcome:
    """What everyone holds once everyone synced."""

    server: Snapshot
    laptops: list[Snapshot]
    opened: dict[Key, set[str]]  # the words of every laptop's open conflicts


def words(value: Any) -> set[str]:
    return set(WORD.findall(value)) if isinstance(value, str) else set()


class MultiDeviceSync(RuleBasedStateMachine):
    examples_run = 0  # in this process: examples whose teardown checked every promise

    def __init__(self) -> None:
        super().__init__()
        world = the_world()
        root = world.new_example()
        self.tmp = root / "scratch"  # photos and archives of this example
        self.tmp.mkdir()
        self.server = TestServer(world, root)
        self.devices = [world.open_laptop(root, n, EXAMPLE_START) for n in range(len(USERS))]
        self.online = [True] * len(USERS)
        self.sessions = world.facts.sessions
        self.hostile = world.facts.hostile(self.server.http)
        self.visits = [world.facts.visit_id]
        self.interview_id = world.facts.interview_id
        self.repeat_visit_id = world.facts.repeat_visit_id
        self.interviews_made = 0
        self.outside: dict[str, int] = {}  # visit planned outside its territory -> laptop
        self.kept_in_copies: set[str] = set()  # words in copies of refused changes
        self.seen_visits: list[set[str]] = [set(self.visits) for _ in self.devices]
        self.words = count()
        self.typed: defaultdict[Key, set[str]] = defaultdict(set)
        # What each laptop typed last in each field (words): must stay in the data or
        # an open conflict, never only in a history (`nothing_typed_is_lost`).
        self.last_typed: dict[tuple[int, Key], set[str]] = {}
        self.replaced: defaultdict[Key, set[str]] = defaultdict(set)
        self.pushed: defaultdict[Key, set[str]] = defaultdict(set)
        self.pushed_at_backup: dict[Key, set[str]] | None = None
        self.history_restored_away: defaultdict[Key, set[str]] = defaultdict(set)
        self.deletions: list[tuple[str, frozenset[tuple[str, str]]]] = []
        self.deleted_alone: set[tuple[str, str]] = set()
        self.photos: dict[str, bytes] = {}
        self.uploaded_photos: set[str] = set()
        self.archives: list[Path] = []
        self.issued: list[str] = []  # sha256 of the issued reports

    # --- helpers -------------------------------------------------------------------------

    def _word(self) -> str:
        return f"w{next(self.words)}"

    def _note(self, device: int, key: Key, before: Any, after: Any) -> None:
        """A person changed a value they had in front of them; what they typed is now
        that laptop's last value of the field."""
        self.typed[key] |= words(after) - words(before)
        self.replaced[key] |= words(before) - words(after)
        self.last_typed[(device, key)] = words(after) - words(before)

    def _live(self, svc: Services, model: Any, record_id: str) -> Any:
        with svc.store.reading() as session:
            row = session.get(model, record_id)
        return row if row is not None and row.deleted_at is None else None

    def _visit(self, device: int, pick: int) -> Visit | None:
        """A live visit that this laptop may edit (an issued one is read-only)."""
        visit = self._live(self.devices[device], Visit, self.visits[pick % len(self.visits)])
        return visit if visit is not None and visit.status != ISSUED else None

    @contextlib.contextmanager
    def _unless_issued(self) -> Iterator[None]:
        """An edit the app refuses because the visit's report was issued (here or
        pulled): said in French where it is typed, nothing written."""
        try:
            yield
        except RuleViolation as err:
            if str(err) != ISSUED_MESSAGE:
                raise

    def accepted(self, table: str, record_id: str, fields: dict[str, Any]) -> None:
        """A laptop's change the server accepted (multidevice_world.Observer)."""
        for name, value in fields.items():
            self.pushed[(table, record_id, name)] |= words(value)

    def uploaded(self, sha256: str) -> None:
        """A photo a laptop finished uploading (multidevice_world.Observer)."""
        self.uploaded_photos.add(sha256)

    def _client(self, device: int, kind: type[WatchedClient] = WatchedClient) -> SyncClient:
        url, token = self.sessions[device]  # what the laptop logged in with
        if not self.online[device]:
            kind = Offline
        return kind(url, token, http=self.server.http, observer=self)

    def _round(self, device: int, kind: type[WatchedClient] = WatchedClient) -> SyncReport:
        return SyncEngine(self.devices[device], self._client(device, kind)).run()

    def _sync(self, device: int, kind: type[WatchedClient] = WatchedClient) -> None:
        try:
            self._round(device, kind)
        except SyncError as err:
            assert kind is not WatchedClient or not self.online[device], (
                f"a sync of the {LAPTOP_NAMES[device]} with a working network failed: {err}"
            )

    def _recommendations(self, svc: Services) -> list[Recommendation]:
        with svc.store.reading() as session:
            return list(
                session.scalars(
                    select(Recommendation)
                    .where(Recommendation.deleted_at.is_(None))
                    .order_by(Recommendation.id)
                )
            )

    def _victim_visit(self, pick: int) -> str:
        """A visit of 15 the hostile account may know of: one the server has (its id is
        in the server's logs and in every pull of 15)."""
        known = [v for v in self.visits if self._server_version("visits", v)]
        return known[pick % len(known)] if known else self.visits[0]

    # --- edits ---------------------------------------------------------------------------

    @rule(device=laptops, pick=picks, line=st.integers(0, 3), append=st.booleans())
    def edit_summary(self, device: int, pick: int, line: int, append: bool) -> None:
        visit = self._visit(device, pick)
        if visit is None:
            return
        lines = visit.summary.splitlines(keepends=True)
        word = self._word() + "\n"
        if append or line >= len(lines):
            lines.append(word)
        else:
            lines[line] = word
        after = "".join(lines)
        update_visit(self.devices[device], visit.id, summary=after)
        self._note(device, ("visits", visit.id, "summary"), visit.summary, after)

    @rule(device=laptops, pick=picks)
    def edit_author(self, device: int, pick: int) -> None:
        visit = self._visit(device, pick)
        if visit is None:
            return
        after = self._word()
        update_visit(self.devices[device], visit.id, author=after)
        self._note(device, ("visits", visit.id, "author"), visit.author, after)

    def _answer(self, device: int, visit_id: str, item: str, choice: str) -> None:
        svc = self.devices[device]
        record_id = natural_id("answer", visit_id, FORM, item)
        before = self._live(svc, Answer, record_id)
        comment = (before.comment if before else "") + self._word() + "\n"
        value: object = choice if item == "marche_exploratoire" else f"parcours {choice}"
        if choice == "indisponible":  # « Donnée indisponible », its reason a word
            value = unavailable(f"raison {self._word()}")
        answer_item(svc, visit_id, FORM, item, value=value, comment=comment)
        self._note(
            device, ("answers", record_id, "comment"), before.comment if before else "", comment
        )

    @rule(
        device=laptops,
        pick=picks,
        item=st.sampled_from(ITEMS),
        choice=st.sampled_from(["oui", "non", "na", "indisponible"]),
    )
    def answer(self, device: int, pick: int, item: str, choice: str) -> None:
        visit = self._visit(device, pick)
        if visit is not None:
            self._answer(device, visit.id, item, choice)

    @rule(device=laptops, pick=picks)
    def add_recommendation(self, device: int, pick: int) -> None:
        visit = self._visit(device, pick)
        if visit is None:
            return
        text = self._word() + "\n"
        rec = add_recommendation(self.devices[device], visit.id, text)
        self._note(device, ("recommendations", rec.id, "text"), "", text)

    @rule(device=laptops, pick=picks)
    def edit_recommendation(self, device: int, pick: int) -> None:
        recs = self._recommendations(self.devices[device])
        if not recs:
            return
        rec = recs[pick % len(recs)]
        after = rec.text + self._word() + "\n"
        with self._unless_issued():
            update_recommendation(self.devices[device], rec.id, text=after)
            self._note(device, ("recommendations", rec.id, "text"), rec.text, after)

    @rule(
        device=laptops,
        pick=picks,
        dispositifs=st.lists(st.sampled_from(PLAN_DISPOSITIFS), unique=True, max_size=3),
        funding=st.lists(
            st.tuples(st.sampled_from(FUNDING_SOURCES), st.integers(0, 90_000)),
            max_size=3,
            unique_by=lambda line: line[0],
        ),
        cost=st.none() | st.integers(0, 150_000),
        describe=st.booleans(),
    )
    def edit_action_plan(
        self,
        device: int,
        pick: int,
        dispositifs: list[str],
        funding: list[tuple[str, int]],
        cost: int | None,
        describe: bool,
    ) -> None:
        """What a contract needs of an action (revision 0015): its dispositifs and its
        funding lines (a list each, one field on the wire), its cost, and a word added
        to its description."""
        recs = self._recommendations(self.devices[device])
        if not recs:
            return
        rec = recs[pick % len(recs)]
        before = rec.description or ""
        changes: dict[str, Any] = {
            "dispositifs": dispositifs,
            "funding": funding,
            "estimated_cost": cost,
        }
        if describe:
            changes["description"] = before + self._word() + "\n"
        with self._unless_issued():
            update_recommendation(self.devices[device], rec.id, **changes)
            if describe:
                key = ("recommendations", rec.id, "description")
                self._note(device, key, before, changes["description"])

    @rule(device=laptops, pick=picks)
    def delete_recommendation(self, device: int, pick: int) -> None:
        recs = self._recommendations(self.devices[device])
        if recs:
            rec = recs[pick % len(recs)]
            with self._unless_issued():
                soft_delete(self.devices[device], "recommendation", rec.id)
                self._deleted("recommendations", rec.id, frozenset())

    # --- observations of the walk --------------------------------------------------------

    def _observations(self, svc: Services) -> list[Observation]:
        with svc.store.reading() as session:
            return list(
                session.scalars(
                    select(Observation)
                    .where(Observation.deleted_at.is_(None))
                    .order_by(Observation.id)
                )
            )

    @rule(
        device=laptops,
        pick=picks,
        category=st.sampled_from([c.value for c in domain.ObservationCategory]),
    )
    def add_observation(self, device: int, pick: int, category: str) -> None:
        """Two laptops adding observations offline add two records: never a conflict."""
        visit = self._visit(device, pick)
        if visit is None:
            return
        place, comment = self._word(), self._word() + "\n"
        made = observations.add_observation(
            self.devices[device], visit.id, category, place=place, comment=comment
        )
        self._note(device, ("observations", made.id, "place"), "", place)
        self._note(device, ("observations", made.id, "comment"), "", comment)

    @rule(
        device=laptops,
        pick=picks,
        what=st.sampled_from(["place", "comment", "severity", "pin", "action", "photo"]),
    )
    def edit_observation(self, device: int, pick: int, what: str) -> None:
        """One field of an observation (concurrent edits merge field by field), its
        pin, the action it leads to (« Créer une action »), a photo of its visit."""
        svc = self.devices[device]
        found = self._observations(svc)
        if not found:
            return
        made = found[pick % len(found)]
        with self._unless_issued():
            key: Key = ("observations", made.id, what)
            if what == "place":
                after = self._word()
                observations.update_observation(svc, made.id, place=after)
                self._note(device, key, made.place, after)
            elif what == "comment":
                after = made.comment + self._word() + "\n"
                observations.update_observation(svc, made.id, comment=after)
                self._note(device, key, made.comment, after)
            elif what == "severity":
                levels = [s.value for s in domain.ObservationSeverity]
                observations.update_observation(svc, made.id, severity=levels[pick % len(levels)])
            elif what == "pin":
                observations.pin_observation(svc, made.id, Pin(pick / 5, 1 - pick / 5))
            elif what == "action":
                text = self._word() + "\n"
                action = observations.create_action(svc, made.id, text)
                self._note(device, ("recommendations", action.id, "text"), "", text)
            else:
                photos = [
                    p
                    for p in list_photos(svc, made.visit_id)
                    if p.observation_id is None and p.role is None
                ]
                if photos:
                    observations.link_photos(svc, made.id, [photos[pick % len(photos)].id])

    @rule(device=laptops, pick=picks)
    def delete_observation(self, device: int, pick: int) -> None:
        found = self._observations(self.devices[device])
        if found:
            made = found[pick % len(found)]
            with self._unless_issued():
                observations.delete_observation(self.devices[device], made.id)
                self._deleted("observations", made.id, frozenset())

    # --- signatures drawn on screen ------------------------------------------------------

    @rule(device=laptops, pick=picks, role=st.sampled_from([r.value for r in domain.SignerRole]))
    def sign(self, device: int, pick: int, role: str) -> None:
        """A signer signs (again: it replaces theirs); two laptops signing for the same
        role offline write one record (natural id), merged field by field."""
        visit = self._visit(device, pick)
        if visit is None:
            return
        svc = self.devices[device]
        held = signatures.visit_signatures(svc, visit.id).get(domain.SignerRole(role))
        name = self._word()
        strokes = [[[pick / 5, 0.5], [1 - pick / 5, 0.25 + pick / 10]]]
        made = signatures.sign(svc, visit.id, role, name, strokes)
        self._note(device, ("signatures", made.id, "name"), held.name if held else "", name)

    @rule(device=laptops, pick=picks, role=st.sampled_from([r.value for r in domain.SignerRole]))
    def remove_signature(self, device: int, pick: int, role: str) -> None:
        visit = self._visit(device, pick)
        if visit is None:
            return
        svc = self.devices[device]
        held = signatures.visit_signatures(svc, visit.id).get(domain.SignerRole(role))
        if held is not None:
            signatures.remove_signature(svc, visit.id, role)
            self._deleted("signatures", held.id, frozenset())

    # --- occurrences of a repeatable group (any form's, here the tests' checklist) ----

    def _occurrences(self, svc: Services) -> list[RepeatOccurrence]:
        with svc.store.reading() as session:
            return list(
                session.scalars(
                    select(RepeatOccurrence)
                    .where(RepeatOccurrence.deleted_at.is_(None))
                    .order_by(RepeatOccurrence.id)
                )
            )

    @rule(device=laptops)
    def add_an_occurrence(self, device: int) -> None:
        """Two laptops adding occurrences offline add two records: never a conflict."""
        svc = self.devices[device]
        if self._live(svc, Visit, self.repeat_visit_id) is None:
            return
        made = repeats.add_occurrence(svc, self.repeat_visit_id, REPEAT_FORM, REPEAT_GROUP)
        name = self._word()
        answer = repeats.set_occurrence_answer(svc, made.id, "local_nom", name)
        self._note(device, ("occurrence_answers", answer.id, "value"), None, name)

    @rule(device=laptops, pick=picks, item=st.sampled_from(["local_nom", "local_etat"]))
    def answer_an_item_of_an_occurrence(self, device: int, pick: int, item: str) -> None:
        """Different items of one occurrence merge; the same item is a conflict."""
        svc = self.devices[device]
        found = self._occurrences(svc)
        if not found:
            return
        made = found[pick % len(found)]
        answer_id = repeats.occurrence_answer_id(made.id, item)
        held = self._live(svc, OccurrenceAnswer, answer_id)
        before = held.value if held is not None else None
        after = self._word() if item == "local_nom" else ("bon", "degrade")[pick % 2]
        repeats.set_occurrence_answer(svc, made.id, item, after)
        if item == "local_nom":
            self._note(device, ("occurrence_answers", answer_id, "value"), before, after)

    @rule(device=laptops, pick=picks)
    def delete_an_occurrence(self, device: int, pick: int) -> None:
        """Deleted with its answers; an edit of one elsewhere brings it back whole."""
        found = self._occurrences(self.devices[device])
        if found:
            made = found[pick % len(found)]
            repeats.delete_occurrence(self.devices[device], made.id)
            self._deleted("repeat_occurrences", made.id, frozenset())

    def _interviews(self, svc: Services) -> list[Interview]:
        with svc.store.reading() as session:
            return list(
                session.scalars(
                    select(Interview).where(Interview.deleted_at.is_(None)).order_by(Interview.id)
                )
            )

    @rule(device=laptops, pick=picks)
    def record_an_interview(self, device: int, pick: int) -> None:
        visit = self._visit(device, pick)
        if visit is None or self.interviews_made >= MAX_INTERVIEWS:
            return
        notes = self._word() + "\n"
        interview = record_interview(self.devices[device], visit.id, GUIDE, notes=notes)
        self.interviews_made += 1
        self._note(device, ("interviews", interview.id, "notes"), "", notes)

    @rule(device=laptops, pick=picks, line=st.integers(0, 3), append=st.booleans())
    def edit_interview_notes(self, device: int, pick: int, line: int, append: bool) -> None:
        """The notes of an interview: the world's one (every laptop has it, so that two
        people may type in it at once) or one recorded since."""
        interviews = self._interviews(self.devices[device])
        ordered = sorted(interviews, key=lambda i: i.id != self.interview_id)
        if not ordered:
            return
        interview = ordered[pick % len(ordered)]
        lines = interview.notes.splitlines(keepends=True)
        word = self._word() + "\n"
        if append or line >= len(lines):
            lines.append(word)
        else:
            lines[line] = word
        after = "".join(lines)
        with self._unless_issued():
            update_interview(self.devices[device], interview.id, notes=after)
            self._note(device, ("interviews", interview.id, "notes"), interview.notes, after)

    @rule(device=laptops)
    def plan_another_visit(self, device: int) -> None:
        if len(self.visits) - len(self.outside) < MAX_VISITS:
            visit = plan_visit(self.devices[device], "15187", date(2026, 4, len(self.visits)))
            self.visits.append(visit.id)
            self.seen_visits[device].add(visit.id)

    # --- changes the server refuses for good ---------------------------------------------

    @rule(device=st.sampled_from(AGENT_LAPTOPS))
    def plan_a_visit_outside_the_territory(self, device: int) -> None:
        """An agent of 15 plans a visit in Le Puy (43): refused where it is planned, or
        by the server at the next sync, for good. Then it is held back, shown with the
        reason and its ways out (sync/refusals.py), and what is typed in it waits with it:
        nothing is lost, nothing is sent again and again."""
        if self.outside:
            return
        try:
            visit = plan_visit(self.devices[device], OUTSIDE_COMMUNE, date(2026, 5, 4))
        except FieldvisitError:
            return  # the app said so where it was planned: nothing written
        self.visits.append(visit.id)
        self.outside[visit.id] = device
        self.seen_visits[device].add(visit.id)

    @precondition(lambda self: self.outside)
    @rule(
        device=st.sampled_from(AGENT_LAPTOPS),
        pick=picks,
        way=st.sampled_from(["retry", "copy", "discard", "copy_then_discard"]),
    )
    def deal_with_a_refused_change(self, device: int, pick: int, way: str) -> None:
        """The ways out of a refused change (the fourth, fixing it, is any edit)."""
        svc = self.devices[device]
        held = refused_changes(svc)
        if not held:
            return
        change = held[pick % len(held)]
        if way == "retry":
            refusals.retry(svc, change.table, change.record_id)
            return
        if way != "discard":
            target = self.tmp / f"copie-{len(self.kept_in_copies)}-{change.record_id}.txt"
            refusals.export_copy(svc, change.table, change.record_id, target)
            self.kept_in_copies |= words(target.read_text(encoding="utf-8"))
        if way != "copy":
            before = _snapshot(svc)
            refusals.discard(svc, change.table, change.record_id)
            after = _snapshot(svc)
            for key, typed in self.typed.items():  # given up knowingly: the person's call
                record = (key[0], key[1])
                if record in before and not before[record][1] and after[record][1]:
                    self.replaced[key] |= typed

    @rule(device=laptops, pick=picks)
    def attach_a_photo(self, device: int, pick: int) -> None:
        visit = self._visit(device, pick)
        if visit is None:
            return
        path = self.tmp / f"photo-{len(self.photos)}.jpg"
        path.write_bytes(_photo_bytes(self._word()))
        attachment = attach_file(self.devices[device], visit.id, path)
        self.photos[attachment.sha256] = path.read_bytes()

    @rule(device=laptops, pick=picks)
    def type_a_text_too_long_to_send(self, device: int, pick: int) -> None:
        """A very long summary (issue 11.5): the app refuses it where it is typed, or it
        syncs; it never blocks the laptop's other changes."""
        visit = self._visit(device, pick)
        if visit is None:
            return
        after = visit.summary + self._word() + " " + "x" * TOO_LONG + "\n"
        try:
            update_visit(self.devices[device], visit.id, summary=after)
        except FieldvisitError:
            return  # refused where it is typed, with a French message: nothing written
        self._note(device, ("visits", visit.id, "summary"), visit.summary, after)

    # --- deletions -----------------------------------------------------------------------

    @rule(device=laptops, pick=picks)
    def delete_a_visit_with_its_records(self, device: int, pick: int) -> None:
        svc = self.devices[device]
        visit = self._visit(device, pick)
        if visit is None:
            return
        removed = _live_children(_snapshot(svc), visit.id)
        soft_delete(svc, "visit", visit.id)
        self._deleted("visits", visit.id, removed)

    def _deleted(self, table: str, record_id: str, removed: frozenset[tuple[str, str]]) -> None:
        """A person deleted a record: a visit with all it held, or one record alone."""
        if table == "visits":
            self.deletions.append((record_id, removed))
        else:
            self.deleted_alone.add((table, record_id))

    @rule(device=laptops, item=st.sampled_from(ITEMS))
    def edit_under_a_visit_deleted_elsewhere(self, device: int, item: str) -> None:
        """A laptop that has not heard of a deletion yet answers in the visit."""
        for visit_id in self.visits:
            elsewhere = [
                self._live(other, Visit, visit_id) is None
                for n, other in enumerate(self.devices)
                if n != device
            ]
            if self._live(self.devices[device], Visit, visit_id) and any(elsewhere):
                with self._unless_issued():
                    self._answer(device, visit_id, item, "oui")
                return

    def _type(self, device: int, text: str, pick: int) -> None:
        """One person types in one of the TEXTS: the first line of the summary, the
        author, the comment of the route answer, or the first line of the notes of the
        world's interview."""
        if text == "summary":
            self.edit_summary(device, pick, line=0, append=False)
        elif text == "author":
            self.edit_author(device, pick)
        elif text == "comment":
            self.answer(device, pick, "parcours", "oui")
        elif text == "observation":  # the oldest one this laptop holds, if any
            self.edit_observation(device, 0, "place")
        elif text == "signature":  # the maire signs the first visit (again)
            self.sign(device, 0, domain.SignerRole.MAIRE.value)
        else:
            self.edit_interview_notes(device, 0, line=0, append=False)

    @rule(device=laptops, text=st.sampled_from(TEXTS), pick=picks)
    def change_a_text_and_sync(self, device: int, text: str, pick: int) -> None:
        self._type(device, text, pick)
        self._sync(device)

    @rule(first=laptops, second=laptops, text=st.sampled_from(TEXTS), pick=picks)
    def two_laptops_change_the_same_text(
        self, first: int, second: int, text: str, pick: int
    ) -> None:
        """Both type before either syncs: the second to sync gets a conflict to resolve."""
        if first == second:
            return
        self._type(first, text, pick)
        self._type(second, text, pick)
        self._sync(first)
        self._sync(second)

    # --- conflicts -----------------------------------------------------------------------

    def _has_conflicts(self) -> bool:
        """Asked before every step: one query of the driver per laptop."""
        for svc in self.devices:
            with svc.store.engine.connect() as conn:
                sql = "SELECT 1 FROM sync_conflicts WHERE resolved_at IS NULL LIMIT 1"
                if conn.exec_driver_sql(sql).first() is not None:
                    return True
        return False

    @precondition(_has_conflicts)
    @rule(device=laptops, pick=picks, choice=st.sampled_from(["local", "remote", "merge"]))
    def resolve_a_conflict(self, device: int, pick: int, choice: str) -> None:
        """What the conflict view offers, whenever (on stale data too): keep one side, or
        type a merge of the two for free text."""
        svc = self.devices[device]
        entries = conflict_entries(svc)
        if not entries:
            return
        entry = entries[pick % len(entries)]
        key = (entry.table, entry.record_id, entry.field_name)
        removed = _live_children(_snapshot(svc), entry.record_id)
        shown = words(entry.local) | words(entry.remote)
        if choice == "merge" and entry.editable:
            chosen: Any = _merged(entry.local, entry.remote, self._word())
            decision, value = "value", chosen
        else:
            decision = "remote" if choice == "remote" else "local"
            chosen, value = (entry.remote if decision == "remote" else entry.local), None
        try:
            resolve_conflict(svc, entry.id, decision, value)  # type: ignore[arg-type]
        except FieldvisitError:
            return  # closed or refreshed meanwhile: nothing decided
        if entry.conflict_kind != "delete":
            self.typed[key] |= words(chosen) - shown
            self.replaced[key] |= shown - words(chosen)
            if words(chosen) - shown:  # a merge typed here: this laptop's last value
                self.last_typed[(device, key)] = words(chosen) - shown
        elif chosen:  # deleted again, as one new deletion of all it holds
            self._deleted(entry.table, entry.record_id, removed)

    # --- completing, issuing, reopening -------------------------------------------------

    @rule(device=laptops, pick=picks)
    def complete_and_issue_the_report(self, device: int, pick: int) -> None:
        """The visit completed (its required items answered) and its report issued: a
        PDF kept as an attachment (a small one: the sync is under test, not the
        drawing), the visit « rapport émis », read-only on every laptop that learns it."""
        visit = self._visit(device, pick)
        if visit is None:
            return
        svc = self.devices[device]
        try:
            if visit.status != domain.VisitStatus.TERMINEE:
                complete(svc, visit.id)
            report = prepare_issue(svc, visit.id)
        except FieldvisitError:
            return  # not completable here (e.g. a form this laptop lacks): said in French
        pdf = self.tmp / f"rapport-{len(self.issued)}.pdf"
        pdf.write_bytes(b"%PDF-1.4\n% rapport " + self._word().encode() + b"\n%%EOF\n")
        issued = keep_issued(svc, report, pdf, 1)
        self.issued.append(issued.sha256)
        # A file of the territory like a photo: uploaded, served only to who may read it.
        self.photos[issued.sha256] = pdf.read_bytes()

    @rule(device=laptops, pick=picks)
    def reopen_an_issued_visit(self, device: int, pick: int) -> None:
        """« Rouvrir »: editable again; the next issuing is version 2."""
        svc = self.devices[device]
        issued = [
            v.id
            for v in (self._live(svc, Visit, visit_id) for visit_id in self.visits)
            if v is not None and v.status == ISSUED
        ]
        if issued:
            reopen_visit(svc, issued[pick % len(issued)])

    # --- archives between laptops --------------------------------------------------------

    @rule(device=laptops, pick=picks)
    def export_a_visit(self, device: int, pick: int) -> None:
        visit = self._visit(device, pick)
        if visit is None:
            return
        target = self.tmp / f"archive-{len(self.archives)}.zip"
        try:
            export_visit(self.devices[device], visit.id, target)
        except FieldvisitError:
            return  # a photo this laptop never downloaded: said in French, nothing written
        self.archives.append(target)

    @precondition(lambda self: self.archives)
    @rule(device=laptops, pick=picks)
    def import_an_archive(self, device: int, pick: int) -> None:
        import_visit(self.devices[device], self.archives[pick % len(self.archives)])

    # --- network and server --------------------------------------------------------------

    @rule(device=laptops)
    def toggle_network(self, device: int) -> None:
        self.online[device] = not self.online[device]

    @rule(device=laptops)
    def sync(self, device: int) -> None:
        self._sync(device)

    @rule(device=laptops)
    def sync_answers_lost(self, device: int) -> None:
        self._sync(device, DropsAnswers)

    @rule(device=laptops)
    def sync_requests_duplicated(self, device: int) -> None:
        self._sync(device, Duplicates)

    @rule()
    def restart_server(self) -> None:
        self.server.restart()

    @precondition(lambda self: self.pushed_at_backup is None)
    @rule()
    def back_up_the_server(self) -> None:
        self.server.back_up()
        self.pushed_at_backup = {key: set(found) for key, found in self.pushed.items()}

    @precondition(lambda self: self.pushed_at_backup is not None)
    @rule(by_hand=st.booleans())
    def restore_the_server_from_its_backup(self, by_hand: bool) -> None:
        """The operator puts back yesterday's backup (issue 11.4), with `fieldvisit-server
        restore` or by copying the file: the server's versions since are gone from its
        history; the laptops still hold them."""
        assert self.pushed_at_backup is not None
        self.server.restore(by_hand)
        for key, found in self.pushed.items():
            self.history_restored_away[key] |= found - self.pushed_at_backup.get(key, set())

    # --- the hostile account (agent of 43) ------------------------------------------------

    @rule(pick=picks)
    def hostile_duplicates_a_natural_key(self, pick: int) -> None:
        self.hostile.duplicate_a_natural_key(pick)

    @rule(pick=picks, item=st.sampled_from(ITEMS))
    def hostile_squats_a_natural_id_of_another_territory(self, pick: int, item: str) -> None:
        self.hostile.squat_a_natural_id(self._victim_visit(pick), item, pick)

    @rule(pick=picks, into_another_territory=st.booleans())
    def hostile_moves_a_record_to_another_visit(
        self, pick: int, into_another_territory: bool
    ) -> None:
        own = self.hostile.visits
        target = self._victim_visit(pick) if into_another_territory else own[(pick + 1) % 2]
        self.hostile.move_a_record(target, pick)

    @rule(pick=picks)
    def hostile_pushes_unknown_domain_values(self, pick: int) -> None:
        self.hostile.push_unknown_enums(pick)

    @rule(kind=st.sampled_from(sorted(OVERSIZED)))
    def hostile_pushes_an_oversized_field(self, kind: str) -> None:
        self.hostile.push_an_oversized_field(kind)

    @rule(pick=picks)
    def hostile_writes_into_a_visit_of_another_territory(self, pick: int) -> None:
        self.hostile.write_into_a_foreign_visit(self._victim_visit(pick))

    @rule(pick=picks, role=st.sampled_from([r.value for r in domain.SignerRole]))
    def hostile_signs_a_visit_of_another_territory(self, pick: int, role: str) -> None:
        self.hostile.sign_a_foreign_visit(self._victim_visit(pick), role)

    @rule(pick=picks)
    def hostile_writes_an_occurrence_into_a_visit_of_another_territory(self, pick: int) -> None:
        known = [
            o.id
            for o in self._occurrences(self.devices[0])
            if self._server_version("repeat_occurrences", o.id)
        ]
        victim = known[pick % len(known)] if known else None
        self.hostile.write_an_occurrence_into_a_foreign_visit(self.repeat_visit_id, victim)

    @rule(pick=picks)
    def hostile_links_an_action_of_another_territory(self, pick: int) -> None:
        held = [
            r.id
            for r in self._recommendations(self.devices[0])
            if self._server_version("recommendations", r.id)
        ]
        if held:
            self.hostile.link_a_foreign_action(held[pick % len(held)], pick)

    @rule(pick=picks)
    def hostile_overwrites_a_visit_of_another_territory(self, pick: int) -> None:
        visit_id = self._victim_visit(pick)
        version = self._server_version("visits", visit_id)
        self.hostile.overwrite_a_foreign_visit(visit_id, version)

    @rule(pick=picks, how=st.sampled_from(["43_as_15", "15_as_43", "own_moved_to_15"]))
    def hostile_declares_a_commune_in_the_wrong_departement(self, pick: int, how: str) -> None:
        self.hostile.declare_a_wrong_departement(how, pick)

    @precondition(lambda self: self.uploaded_photos)
    @rule(pick=picks)
    def hostile_claims_a_photo_of_another_territory_by_its_hash(self, pick: int) -> None:
        """A hash read in a log, of a photo already on the server."""
        shas = sorted(self.uploaded_photos)
        sha = shas[pick % len(shas)]
        self.hostile.claim_a_foreign_photo(sha, len(self.photos[sha]), pick)

    @precondition(lambda self: set(self.photos) - self.uploaded_photos)
    @rule(pick=picks)
    def hostile_jams_an_upload_of_another_territory(self, pick: int) -> None:
        """A hash known before the laptop that took the photo uploads it."""
        shas = sorted(set(self.photos) - self.uploaded_photos)
        sha = shas[pick % len(shas)]
        self.hostile.jam_an_upload(sha, len(self.photos[sha]))

    def _server_version(self, table: str, record_id: str) -> int:
        """The version an attacker reading the victim's traffic would know."""
        from fieldvisit.server.models import Record

        with self.server.db.reading() as session:
            record = session.get(Record, (table, record_id))
        return record.version if record is not None else 0

    # --- between steps -------------------------------------------------------------------

    @invariant()
    def every_laptop_keeps_every_visit_it_had(self) -> None:
        """A visit once on a laptop stays (deleted ones as tombstones): a sync, an
        import or a resolution never loses a whole visit."""
        for n, svc in enumerate(self.devices):
            with svc.store.engine.connect() as conn:  # after every step: kept cheap
                held = {row[0] for row in conn.exec_driver_sql("SELECT id FROM visits")}
            assert self.seen_visits[n] <= held, f"the {LAPTOP_NAMES[n]} lost a visit"
            self.seen_visits[n] = held

    # --- the end: everyone syncs, then every promise is checked --------------------------

    def teardown(self) -> None:
        try:
            self.no_laptop_sync_is_stuck()
            end = Outcome(
                server_snapshot(self.server.db),
                [_snapshot(svc) for svc in self.devices],
                self._open_conflict_words(),
            )
            self.only_what_the_app_cannot_foresee_is_refused_and_nothing_set_aside()
            self.every_laptop_and_the_server_hold_the_same_data(end)
            self.nothing_typed_is_lost(end)
            self.every_pushed_value_is_in_the_data_a_conflict_or_the_history(end)
            self.no_live_child_of_a_deleted_parent(end)
            self.an_undone_deletion_brings_back_all_it_removed(end)
            self.the_server_holds_only_valid_records(end)
            self.the_hostile_accounts_records_never_reach_another_territory(end)
            self.photos_are_served_only_to_who_may_read_them(end)
            self.every_laptop_can_read_what_it_holds()
            MultiDeviceSync.examples_run += 1
        finally:
            for svc in self.devices:
                svc.close()
            self.server.stop()  # the next example replaces the files

    def no_laptop_sync_is_stuck(self) -> None:
        """Every round completes (within a bounded number of requests), and the laptops
        taking turns soon come to rest: after a round that sent something, every other
        laptop has a quiet round (rounds that only receive are quiet); after one that
        had a conflict, anything waiting, refused or set aside, every laptop does, that
        one included. Then every laptop has what every other one sent, and nothing is
        retried for ever."""
        self.online = [True] * len(USERS)
        laptops = range(len(self.devices))
        still: dict[str, dict[str, Any]] = {}
        owed = set(laptops)  # the laptops that still owe a quiet round
        for turn in range(FINAL_ROUNDS_PER_LAPTOP * len(laptops)):
            n = turn % len(laptops)
            try:
                report = self._round(n)
            except Exception as err:  # a refusal, a crash applying a pull, a loop
                raise AssertionError(f"the {LAPTOP_NAMES[n]} cannot sync: {err}") from err
            moving = _moving(report)
            still[LAPTOP_NAMES[n]] = moving
            if not moving:
                owed.discard(n)
            elif set(moving) <= {"pushed", "uploaded"}:
                owed = set(laptops) - {n}  # the others have yet to receive it
            else:
                owed = set(laptops)
            if not owed:
                return
        stuck = {name: moving for name, moving in still.items() if moving}
        raise AssertionError(f"{FINAL_ROUNDS_PER_LAPTOP} rounds each, still moving: {stuck}")

    def only_what_the_app_cannot_foresee_is_refused_and_nothing_set_aside(self) -> None:
        """The app offers only what the server accepts, and the server only what every
        laptop can apply: the one change a laptop holds back as refused is a visit
        planned outside its territory (and what waits with it); no pulled record is set
        aside (sync/refusals.py, sync/vetting.py); and nothing else is left to send."""
        for n, svc in enumerate(self.devices):
            refused = [
                f"{c.table} {c.record_id}: {c.reason}"
                for c in refused_changes(svc)
                if self.outside.get(c.visit_id or "") != n
            ]
            assert not refused, f"the {LAPTOP_NAMES[n]} holds refused changes: {refused}"
            with svc.store.reading() as session:
                aside = [f"{e.table} {e.record_id}: {e.reason}" for e in set_aside_entries(session)]
            assert not aside, f"the {LAPTOP_NAMES[n]} set pulled records aside: {aside}"
            status = sync_status(svc)
            assert status.pending == 0, (
                f"the {LAPTOP_NAMES[n]} still has {status.pending} change(s) to send, and "
                f"{status.refused} held back"
            )

    def every_laptop_and_the_server_hold_the_same_data(self, end: Outcome) -> None:
        for n in range(len(self.devices)):
            held = self._synced_part(n, end.laptops[n])
            readable = self._server_view(n)
            missing = sorted(set(readable) - set(held))
            extra = sorted(set(held) - set(readable))
            assert not missing and not extra, (
                f"the {LAPTOP_NAMES[n]} misses {missing} and has {extra} of what the server "
                "lets its user read"
            )
            differ = sorted(k for k in held if held[k] != readable[k])
            assert not differ, f"the {LAPTOP_NAMES[n]} and the server differ on {differ}"

    def _synced_part(self, device: int, records: Snapshot) -> Snapshot:
        """What a laptop holds but the records of a visit it planned outside its
        territory, which only it holds (refused, or given up: tombstones never sent)."""
        return {
            key: record
            for key, record in records.items()
            if self.outside.get(_visit_id_of(records, key)) != device
        }

    def _local_words(self, key: Key, end: Outcome) -> set[str]:
        """The words of a field of a record only its laptop holds (see `_synced_part`)."""
        for device in set(self.outside.values()):
            records = end.laptops[device]
            record = records.get((key[0], key[1]))
            if record is not None and self.outside.get(_visit_id_of(records, key[:2])) == device:
                return words(record[0].get(key[2]))
        return set()

    def _server_view(self, device: int) -> Snapshot:
        """Everything the server lets this laptop's user read: a full pull from 0."""
        client = self._client(device)
        records: Snapshot = {}
        after, more = 0, True
        while more:
            page = client.pull(after=after, limit=1000)
            for r in page.records:
                records[(r.table, r.id)] = (_as_stored(r.table, r.fields), r.deleted_at is not None)
            after, more = page.next_cursor, page.has_more
        return records

    def _open_conflict_words(self) -> defaultdict[Key, set[str]]:
        found: defaultdict[Key, set[str]] = defaultdict(set)
        for svc in self.devices:
            for c in open_conflicts(svc):
                key = (c.table_name, c.record_id, c.field_name)
                found[key] |= words(c.local_value) | words(c.remote_value)
        return found

    def nothing_typed_is_lost(self, end: Outcome) -> None:
        """Each word typed reached the server, and is in the data, an open conflict or
        a history, unless a person replaced it while it was in front of them. (A newer
        conflict on a field replaces the older one, sync/conflict_log.py: the older local
        value stays in the laptop's history.) A word typed in a visit planned outside
        the territory stays on its laptop, held back, or in a copy the person kept, or
        was given up by them (`deal_with_a_refused_change`)."""
        final, opened = end.server, end.opened
        for key, typed in self.typed.items():
            table, record_id, name = key
            record = final.get((table, record_id))
            held_here = self._local_words(key, end)
            assert record is not None or held_here or typed <= self.replaced[key], (
                f"{key} never reached the server"
            )
            kept = words(record[0].get(name)) if record is not None else set()
            lost = typed - kept - held_here - opened.get(key, set()) - self.replaced[key]
            lost -= self.kept_in_copies
            if lost:  # superseded by a later value, e.g. a newer conflict's local side
                lost -= self._history_words(key)
            assert not lost, (
                f"words {sorted(lost)} typed in {key} are neither in the data, nor in an "
                "open conflict, nor in any history, and nobody who saw them replaced them"
            )
        # A history keeps what was superseded, never a laptop's latest value: a merge
        # that dropped a local edit leaves it in that laptop's history only, which the
        # check above lets through.
        for (device, key), last in sorted(self.last_typed.items()):
            table, record_id, name = key
            record = final.get((table, record_id))
            kept = words(record[0].get(name)) if record is not None else set()
            held_here = self._local_words(key, end)
            gone = last - kept - held_here - opened.get(key, set()) - self.replaced[key]
            gone -= self.kept_in_copies
            assert not gone, (
                f"words {sorted(gone)}, the last the {LAPTOP_NAMES[device]} typed in {key}, "
                "are neither in the data nor in an open conflict, and nobody who saw them "
                "replaced them"
            )

    def every_pushed_value_is_in_the_data_a_conflict_or_the_history(self, end: Outcome) -> None:
        final, opened = end.server, end.opened
        for key, pushed in self.pushed.items():
            table, record_id, name = key
            record = final.get((table, record_id))
            kept = words(record[0].get(name)) if record is not None else set()
            missing = pushed - kept - opened.get(key, set()) - self.history_restored_away[key]
            if missing:
                missing -= self._history_words(key)
            assert not missing, (
                f"words {sorted(missing)} the server accepted in {key} are neither in the "
                "data, nor in an open conflict, nor in any history"
            )

    def _history_words(self, key: Key) -> set[str]:
        table, record_id, name = key
        found: set[str] = set()
        for svc in self.devices:
            for entry in history_service.for_field(svc, table, record_id, name).entries:
                found |= words(entry.old) | words(entry.new)
        coordinator = self._client(USERS.index("coord"))
        try:
            answer = coordinator.request(
                "GET", f"/api/v1/records/{table}/{record_id}/history", params={"limit": 1000}
            )
        except SyncError:
            return found
        for version in answer.json()["versions"]:
            found |= words(version["fields"].get(name))
        return found

    def no_live_child_of_a_deleted_parent(self, end: Outcome) -> None:
        places = [("the server", end.server), *zip(LAPTOP_NAMES, end.laptops, strict=True)]
        for where, records in places:
            orphans = sorted(
                (table, record_id)
                for (table, record_id), (fields, deleted) in records.items()
                if not deleted and _parent_deleted(records, table, fields)
            )
            assert not orphans, f"{where} holds live records under a deleted parent: {orphans}"

    def an_undone_deletion_brings_back_all_it_removed(self, end: Outcome) -> None:
        final = end.server
        for visit_id, removed in self.deletions:
            visit = final.get(("visits", visit_id))
            if visit is None or visit[1]:
                continue  # the deletion stands
            still = sorted(k for k in removed - self.deleted_alone if k in final and final[k][1])
            assert not still, (
                f"visit {visit_id} came back alive, but {still} that its deletion removed "
                "stay deleted"
            )

    def the_server_holds_only_valid_records(self, end: Outcome) -> None:
        final = end.server
        for (table, record_id), (fields, _) in sorted(final.items()):
            where = f"the server's {table} {record_id}"
            problem = check_fields(table, fields)
            assert problem is None, f"{where}: {problem}"
            for (t, name), values in DOMAIN_VALUES.items():
                if t == table:
                    assert fields[name] in {v.value for v in values}, f"{where}: {name}"
            if table == "visits":
                assert fields["departement"] == departement_of_commune(fields["commune_code"]), (
                    f"{where}: département {fields['departement']} for commune "
                    f"{fields['commune_code']}"
                )
            if table in NATURAL_IDS:
                kind, parts = NATURAL_IDS[table]
                expected = natural_id(kind, *(fields[p] for p in parts))
                assert record_id == expected, f"{where}: not the id of its natural key"
            for name, target in REFERENCES[table]:
                if fields.get(name):
                    assert (target, fields[name]) in final, f"{where}: {name} names nothing"
                    if (table, name) in SAME_VISIT_LINKS:  # a photo, an observation's action
                        theirs = final[(target, fields[name])][0]["visit_id"]
                        assert theirs == fields["visit_id"], f"{where}: {name} of another visit"
        for (table, record_id), parent in self.hostile.moved.items():
            if (table, record_id) in final:
                assert final[(table, record_id)][0]["visit_id"] == parent, (
                    f"the server's {table} {record_id} changed parent"
                )

    def the_hostile_accounts_records_never_reach_another_territory(self, end: Outcome) -> None:
        """Its records stay in visits of Haute-Loire, on the server and on the laptops of
        those who may read 43; the agent of 15's laptops never see a trace of them."""
        places = [("the server", end.server, TERRITORIES["coord"], [])] + [
            (LAPTOP_NAMES[n], end.laptops[n], TERRITORIES[USERS[n]], open_conflicts(svc))
            for n, svc in enumerate(self.devices)
        ]
        for where, records, territories, conflicts in places:
            for (table, record_id), (fields, _) in sorted(records.items()):
                if not MARKER.search(json.dumps(fields)):
                    continue
                visit = _visit_of(records, table, fields)
                in_43 = (
                    visit is not None
                    and visit["departement"] == "43"
                    and departement_of_commune(visit["commune_code"]) == "43"
                )
                assert in_43 and "43" in territories, (
                    f"{where} holds {table} {record_id} of the hostile account of 43 "
                    "outside a visit of Haute-Loire"
                )
            if "43" not in territories:
                traces = [c.record_id for c in conflicts if MARKER.search(str(c.remote_value))]
                assert not traces, f"{where} shows the hostile account's values: {traces}"

    def photos_are_served_only_to_who_may_read_them(self, end: Outcome) -> None:
        final = end.server
        for seen in self.hostile.downloads:
            if seen.sha256 not in self.photos:
                continue
            leaked = seen.served == self.photos[seen.sha256]
            assert not leaked, "the hostile account of 43 downloaded a photo of 15 by its hash"
            if seen.sha256 not in self.hostile.jammed:
                assert (seen.status_check, seen.status_body) == (
                    seen.unknown_status,
                    seen.unknown_body,
                ), "the upload status told the hostile account of 43 about a photo of 15"
        agent = self._client(USERS.index("agent15"))
        for (table, record_id), (fields, deleted) in sorted(final.items()):
            sha = fields.get("sha256") if table == "attachments" and not deleted else None
            if sha in self.photos:
                try:
                    served = agent.download(sha)
                except SyncError as err:
                    raise AssertionError(f"the photo of attachment {record_id}: {err}") from err
                assert served == self.photos[sha], f"the photo of attachment {record_id}"

    def every_laptop_can_read_what_it_holds(self) -> None:
        for n, svc in enumerate(self.devices):
            try:
                list_visits(svc)
                conflict_entries(svc)
            except Exception as err:
                raise AssertionError(f"the {LAPTOP_NAMES[n]} cannot list: {err!r}") from err


def _photo_bytes(word: str) -> bytes:
    """A small JPEG, different for each word (its comment)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 160, 200)).save(out, format="JPEG", comment=word.encode())
    return out.getvalue()


def _merged(local: Any, remote: Any, word: str) -> str:
    """What a person types to keep both sides: every line of each, then a word."""
    lines: list[str] = []
    for text in (local, remote):
        for line in str(text or "").splitlines():
            if line and line not in lines:
                lines.append(line)
    separator = "\n" if any("\n" in str(t or "") for t in (local, remote)) else " "
    return separator.join([*lines, word]) + ("\n" if separator == "\n" else "")


def _snapshot(svc: Services) -> Snapshot:
    """Every local record as wire fields, deleted or not."""
    out: Snapshot = {}
    with svc.store.reading() as session:
        for table, t in TABLE_OBJECTS.items():
            for row in session.execute(select(t)):
                out[(table, row.id)] = (row_fields(table, row), row.deleted_at is not None)
    return out


def _as_stored(table: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Wire fields as a laptop stores them: an optional field of the table left out is
    empty."""
    return {**dict.fromkeys(OPTIONAL_FIELDS & set(TABLES[table])), **fields}


def _live_children(records: Snapshot, visit_id: str) -> frozenset[tuple[str, str]]:
    """The live records that belong to a visit, and the parts of its interviews."""
    return frozenset(_children(records, visit_id))


def _children(records: Snapshot, visit_id: str) -> Iterable[tuple[str, str]]:
    owned = {visit_id}
    for table, (field, parent_table) in OWNERS.items():
        for (t, record_id), (fields, deleted) in records.items():
            if t != table or deleted:
                continue
            parent = fields[field]
            if parent_table == "visits" and parent == visit_id:
                owned.add(record_id)
                yield (table, record_id)
            elif parent_table in ("interviews", "repeat_occurrences") and parent in owned:
                yield (table, record_id)


def _parent_deleted(records: Snapshot, table: str, fields: dict[str, Any]) -> bool:
    if table not in OWNERS:
        return False
    name, parent_table = OWNERS[table]
    parent = records.get((parent_table, fields[name]))
    return parent is not None and parent[1]


def _visit_id_of(records: Snapshot, key: tuple[str, str]) -> str:
    """The id of the visit a record belongs to ("" for a contact, or a missing parent)."""
    table, record_id = key
    if table == "visits":
        return record_id
    record = records.get(key)
    if record is None or table not in OWNERS:
        return ""
    name, parent_table = OWNERS[table]
    return _visit_id_of(records, (parent_table, record[0][name]))


def _visit_of(records: Snapshot, table: str, fields: dict[str, Any]) -> dict[str, Any] | None:
    if table == "visits":
        return fields
    if table not in OWNERS:
        return None
    name, parent_table = OWNERS[table]
    parent = records.get((parent_table, fields[name]))
    return None if parent is None else _visit_of(records, parent_table, parent[0])


def _moving(report: SyncReport) -> dict[str, Any]:
    """What a round still did that another round must follow: sent, uploaded, refused,
    waiting for a parent or a file, set aside, or a conflict (receiving alone is the end
    of the story; a change refused for good is held back, not sent again)."""
    moving = {
        "pushed": report.pushed,
        "conflicts": report.conflicts,
        "rejected": report.rejected,
        "waiting": report.waiting,
        "set_aside": report.set_aside,
        "uploaded": report.uploaded_files,
        "unsent files": report.unsent_files,
    }
    return {name: value for name, value in moving.items() if value}


# --- running the examples ----------------------------------------------------------------
#
# "dev" (the default): DEV_EXAMPLES in this process, random, with Hypothesis's database of
# failing examples (a failure found is tried first next time). "ci" (.ci/run sets
# FIELDVISIT_HYPOTHESIS_PROFILE=ci): CI_EXAMPLES, split between CI_WORKERS processes (one
# per core of the CI machine: the examples are independent, and one process can only
# use one core), each from a fixed seed: the same examples at every run, nothing left
# to chance. A failure is shrunk in its worker and reported with its steps.

STEPS = 20  # operations per example, before everyone syncs
DEV_EXAMPLES = 25
CI_EXAMPLES = int(os.environ.get("FIELDVISIT_MULTIDEVICE_EXAMPLES", "1000"))  # a smaller
# number to try the "ci" way quickly
CI_WORKERS = 2
CI_SEED = 110_012  # worker n starts from CI_SEED + n


def example_settings(examples: int, *, fixed: bool) -> settings:
    return settings(
        max_examples=examples,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        **({"database": None} if fixed else {}),
    )


def run_examples(examples: int, seed_value: int) -> tuple[int, str | None]:
    """A worker's share of the examples, from its seed: how many ran to their end, and
    the failure as text (None if none).

    Runs in a process of its own (spawned): it builds its own world."""
    machine = seed(seed_value)(MultiDeviceSync)
    report = io.StringIO()
    try:
        with contextlib.redirect_stdout(report):  # Hypothesis prints the steps here
            run_state_machine_as_test(machine, settings=example_settings(examples, fixed=True))
    except BaseException as err:
        failure = "".join(traceback.format_exception(err))
        return MultiDeviceSync.examples_run, f"seed {seed_value}:\n{report.getvalue()}\n{failure}"
    return MultiDeviceSync.examples_run, None


@pytest.mark.slow
def test_multidevice_sync() -> None:
    if PROFILE != "ci":
        run_state_machine_as_test(
            MultiDeviceSync, settings=example_settings(DEV_EXAMPLES, fixed=False)
        )
        return
    workers = max(1, min(CI_WORKERS, os.cpu_count() or 1))
    shares = [CI_EXAMPLES // workers + (n < CI_EXAMPLES % workers) for n in range(workers)]
    spawn = multiprocessing.get_context("spawn")  # never fork a process with threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        done = list(pool.map(run_examples, shares, [CI_SEED + n for n in range(workers)]))
    failures = [failure for _, failure in done if failure is not None]
    assert not failures, "\n\n".join(failures)
    ran = sum(examples for examples, _ in done)
    assert ran >= CI_EXAMPLES, f"only {ran} examples ran to their end, of {CI_EXAMPLES}"


def test_a_summary_pushed_after_the_backup_survives_an_edit_made_after_the_restore() -> None:
    """Found by the machine (CI seed 110013): laptops A and C type the visit's summary
    and sync after the server's backup; the server is put back from it; B types the
    summary on the restored server and syncs. A's summary, its last value, must end in
    the data or in an open conflict, not only in a history."""
    machine = MultiDeviceSync()
    machine.edit_recommendation(device=1, pick=0)
    machine.back_up_the_server()
    machine.change_a_text_and_sync(device=2, pick=1, text="summary")
    machine.change_a_text_and_sync(device=0, pick=0, text="summary")
    machine.restore_the_server_from_its_backup(by_hand=False)
    machine.change_a_text_and_sync(device=1, pick=0, text="summary")
    machine.restart_server()
    machine.teardown()


def test_two_laptops_change_an_actions_funding_and_dispositifs_differently() -> None:
    """The action plan's lists (revision 0015) edited on two laptops at once, and a word
    added to the action's description on each: one conflict per list, nothing typed
    lost, every promise kept once everyone synced."""
    machine = MultiDeviceSync()
    machine.add_recommendation(device=0, pick=0)
    machine.sync(device=0)
    machine.sync(device=1)
    assert machine._recommendations(machine.devices[1])  # both laptops have the action
    machine.edit_action_plan(
        device=0,
        pick=0,
        dispositifs=["videoprotection", "fipd"],
        funding=[("fipd", 6000), ("commune", 4000)],
        cost=12500,
        describe=True,
    )
    machine.edit_action_plan(
        device=1, pick=0, dispositifs=["otv"], funding=[("detr", 9000)], cost=None, describe=True
    )
    machine.sync(device=0)
    machine.sync(device=1)
    [rec] = machine._recommendations(machine.devices[1])
    # Each list is one laptop's whole (never a mix of both), the other's waits for a person.
    assert rec.funding in (
        [{"source": "detr", "amount": 9000}],
        [{"source": "fipd", "amount": 6000}, {"source": "commune", "amount": 4000}],
    )
    assert rec.dispositifs in (["otv"], ["videoprotection", "fipd"])
    waiting = {c.field_name for c in open_conflicts(machine.devices[1])}
    assert {"funding", "dispositifs"} <= waiting
    machine.teardown()


def test_occurrences_added_answered_and_deleted_on_several_laptops() -> None:
    """Two laptops add occurrences offline and answer items of the same one, a third
    deletes one that another edits, the hostile account of 43 writes into the visit:
    no conflict from the additions, the edit brings the deleted occurrence back, the
    hostile records reach no laptop of 15, every promise kept once everyone synced."""
    machine = MultiDeviceSync()
    machine.add_an_occurrence(device=0)
    machine.add_an_occurrence(device=2)
    machine.sync(device=0)
    machine.sync(device=2)
    machine.sync(device=0)
    held = machine._occurrences(machine.devices[0])
    assert len(held) == 3  # the world's and one of each laptop
    assert not open_conflicts(machine.devices[0]) and not open_conflicts(machine.devices[2])
    machine.sync(device=1)
    machine.answer_an_item_of_an_occurrence(device=0, pick=1, item="local_nom")
    machine.answer_an_item_of_an_occurrence(device=1, pick=1, item="local_etat")
    machine.delete_an_occurrence(device=2, pick=2)
    machine.answer_an_item_of_an_occurrence(device=0, pick=2, item="local_nom")
    machine.hostile_writes_an_occurrence_into_a_visit_of_another_territory(pick=0)
    for device in (0, 1, 2, 0, 1, 2):
        machine.sync(device=device)
    assert len(machine._occurrences(machine.devices[2])) == 3  # the edit won
    refused = [
        a
        for a in machine.hostile.answers
        if a.get("table") in ("repeat_occurrences", "occurrence_answers")
    ]
    assert refused and all(a["status"] == "rejected" for a in refused), refused
    machine.teardown()
