"""One sync round: attachments up, pull and merge, push, forms down.

1. Attachments first (rule 6): each file referenced by a pending attachment record is
   uploaded in chunks, resuming from what the server already has; the server checks
   the SHA-256 before it accepts the record that references it.
2. Pull (rule 1): every page after the cursor is fetched first, then applied in *one*
   local transaction (with foreign keys checked at commit, since a child may come
   before its parent in sequence order), and the cursor moves in that same
   transaction: a cut connection during the pull changes nothing locally.
3. Push (rules 2, 3): pending rows in batches with a client-made id, pipelined (the
   next batch is read while one is on the wire); a lost answer is retried with the
   same id (the server replays its answer). Each batch is kept locally (durably) from
   just before it is sent until its answer is recorded, in the same transaction: if
   the app dies in between, the next round first re-sends it with the same id and
   records the server's stored answer, so the laptop's own change never comes back
   as a concurrent edit. Accepted rows are marked
   clean only if not edited meanwhile; conflicts are merged against the server's
   record and pushed again (a bounded number of times).
4. Published forms that are missing here are downloaded and checked.

Wall clocks are never compared (rule 7): versions decide. Progress goes through a
callback (stage, done, total) for the CLI and the UI; `cancel` (an Event) stops a round
at its next safe point (the app is closing).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.ids import new_id
from fieldvisit.services.context import Services
from fieldvisit.store.models import Attachment
from fieldvisit.sync import epoch, late_edits, local, refusals, vetting
from fieldvisit.sync.client import ConnectionLost, RequestRefused, SyncClient, SyncError
from fieldvisit.sync.report import SyncReport
from fieldvisit.sync.wire import (
    MAX_BATCH_CHANGES,
    MAX_PAGE_RECORDS,
    ChangeResult,
    LostVersionsQuery,
    PulledRecord,
    PushBatch,
    PushResult,
    RestoredBase,
    UploadStatus,
)

Progress = Callable[[str, int, int], None]
CHUNK_BYTES = 8 * 1024 * 1024
UPLOAD_STREAMS = 6
PUSH_ROUNDS = 4
SEND_TRIES = 3
# An upload gives up on a file after this many failed requests in a row without
# progress, waiting this long (seconds) before each retry.
UPLOAD_TRIES = 5
UPLOAD_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)
# Refusals of a chunk that mean "ask where the upload stands and go on from there".
RETRIED_UPLOAD_CODES = frozenset({"wrong_offset", "size_mismatch", "concurrent_write"})


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    pass


class UploadFailed(Exception):
    """One file could not be sent this round; the message says why (French)."""


def _first_sentence(err: Exception) -> str:
    """A refusal's message without its advice ("Réessayez…"): the report says that."""
    return str(err).strip().split(". ", 1)[0].rstrip(".")


class SyncCancelled(Exception):
    """The round was asked to stop (the app is closing); not an error to remember.

    Raised only at safe points: before a pull is applied, between push batches, between
    file chunks. What the server acknowledged is recorded; the rest goes next time.
    """


@dataclass
class Sent:
    """The server's answer to a batch, and the ids it went under (two halves if it was
    too large), whose locally kept copies go once the answer is recorded. `here`: the
    changes this laptop refused itself (never sent), answered in `result` too."""

    result: PushResult
    batch_ids: list[str]
    here: set[tuple[str, str]] = field(default_factory=set)


class SyncEngine:
    def __init__(
        self,
        svc: Services,
        client: SyncClient,
        progress: Progress | None = None,
        *,
        batch_size: int = MAX_BATCH_CHANGES,
        page_size: int = MAX_PAGE_RECORDS,
        cancel: threading.Event | None = None,
        wait: Callable[[float], object] | None = None,
    ) -> None:
        self.svc = svc
        self.client = client
        self.progress = progress or _no_progress
        self.batch_size = batch_size
        self.page_size = page_size
        self.cancel = cancel or threading.Event()
        # Back-off between upload retries; closing the app cuts a wait short.
        self.wait = wait or self.cancel.wait
        self.files = svc.store.files  # encrypted on disk; read back in plain
        self.reference_digest = ""  # the pull page's: public data of the territories

    def _check_cancelled(self) -> None:
        if self.cancel.is_set():
            raise SyncCancelled

    # --- the round ---------------------------------------------------------------------

    def run(self) -> SyncReport:
        report = SyncReport()
        try:
            self.replay_in_flight(report)  # before anything else: see push
            self.upload_attachments(report)
            forms_digest = self.pull(report)
            self.push(report)
            if forms_digest != self._forms_digest():
                self.pull_forms(report)
                self._save_forms_digest(forms_digest)
            self.pull_reference(report)
        except SyncError as err:
            self._remember(error=str(err))
            raise
        self._remember(error=None)
        return report

    def _forms_digest(self) -> str | None:
        with self.svc.store.reading() as session:
            return local.read_sync_state(session).forms_digest

    def _save_forms_digest(self, digest: str) -> None:
        with self.svc.store.transaction() as session:
            local.sync_state(session).forms_digest = digest

    def _remember(self, error: str | None) -> None:
        with self.svc.store.transaction() as session:
            state = local.sync_state(session)
            state.last_error = error
            if error is None:
                state.last_sync_at = self.svc.clock()

    def _sync_transaction(self) -> AbstractContextManager[Session]:
        """One local write transaction of the round: the write lock taken up front (the
        app writing meanwhile waits instead of failing the round half-way), durable on
        commit, foreign keys checked at the commit (store/database.py: Store.transaction).
        """
        return self.svc.store.transaction(immediate=True, durable=True, defer_foreign_keys=True)

    # --- attachments -------------------------------------------------------------------

    def upload_attachments(self, report: SyncReport) -> None:
        """Send the file of every pending attachment; one that cannot go is reported
        (`report.unsent_files`) and the round goes on: its record stays pending.

        A deleted attachment's file goes too when it is here: a deletion can be undone
        (an edit elsewhere wins over it, sync/deletions.py; a history restore), and the
        attachment then comes back on every laptop, which can only download its file
        from the server. One deleted here before its file was sent and whose file is
        gone is not reported: nothing waits for it."""
        with self.svc.store.reading() as session:
            named: dict[str, str] = {}
            live: set[str] = set()
            for sha, filename, deleted_at in session.execute(
                select(Attachment.sha256, Attachment.filename, Attachment.deleted_at).where(
                    Attachment.pending
                )
            ):
                named.setdefault(sha, filename)
                if deleted_at is None:
                    live.add(sha)
        todo = []
        for sha in sorted(named):
            path = self.files.path_for(sha)
            if path.is_file():
                todo.append((sha, path))
            elif sha in live:
                report.missing_files.append(sha)
        # A few files at a time: each upload waits on the network, the disk and the
        # server's database in turn, so parallel streams keep the link busy.
        pool = ThreadPoolExecutor(max_workers=UPLOAD_STREAMS)
        try:
            futures = [pool.submit(self.upload_file, sha, path) for sha, path in todo]
            for done, (future, (sha, _path)) in enumerate(zip(futures, todo, strict=True), 1):
                try:
                    sent = future.result()
                except UploadFailed as failure:
                    report.unsent_files.append(f"{named[sha]} ({failure})")
                else:
                    if sent:
                        report.uploaded_files += 1
                self.progress("upload", done, len(todo))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # after a failure: no new file

    def upload_file(self, sha: str, path: Path) -> int:
        """Upload one file from where the server stopped; the number of bytes sent.

        A file that fits in one chunk is sent straight away (most photos): if the
        server already has it from this account, its answer says so. The loop is
        bounded: a chunk that fails (connection cut, the upload in another state on
        the server than here) is followed by a pause (`UPLOAD_BACKOFF`, through the
        injectable `wait`) and a question: where does the upload stand? After
        `UPLOAD_TRIES` failures without a byte of progress the file is given up for
        this round (`UploadFailed`, reported; its record stays pending).
        """
        size = self.files.size(sha)
        status: UploadStatus | None = None
        if size <= CHUNK_BYTES:
            status = UploadStatus(sha256=sha, size=size, received=0, complete=False)
        sent = 0
        failures = 0  # failed requests since the last progress
        progress = 0  # the most bytes the server acknowledged
        problem = "le serveur n'a pas accepté l'envoi"
        with self.files.open(sha) as fh:
            while status is None or not status.complete:
                self._check_cancelled()
                if status is None:  # ask where the upload stands (after a pause if it failed)
                    if failures >= UPLOAD_TRIES:
                        raise UploadFailed(f"{problem} ; {failures} essais sans progrès")
                    if failures:
                        self.wait(UPLOAD_BACKOFF[min(failures, len(UPLOAD_BACKOFF)) - 1])
                        self._check_cancelled()
                    try:
                        status = self.client.upload_status(sha)
                    except ConnectionLost as err:
                        problem, failures = _first_sentence(err), failures + 1
                    continue
                resume = status.size == size and 0 <= status.received < size
                offset = status.received if resume else 0
                fh.seek(offset)
                data = fh.read(CHUNK_BYTES)
                try:
                    status = self.client.upload_chunk(sha, offset, size, data)
                except RequestRefused as err:
                    if err.code == "hash_mismatch":
                        raise UploadFailed(
                            "le fichier est endommagé sur cet ordinateur (son contenu ne "
                            "correspond plus à son empreinte)"
                        ) from err
                    if err.code not in RETRIED_UPLOAD_CODES:
                        raise UploadFailed(_first_sentence(err)) from err
                    problem, failures, status = _first_sentence(err), failures + 1, None
                    continue
                except ConnectionLost as err:
                    problem, failures, status = _first_sentence(err), failures + 1, None
                    continue
                sent += len(data)
                if status.received > progress:
                    progress, failures = status.received, 0
        return sent

    def download_attachment(self, sha: str) -> Path:
        """Fetch an attachment's bytes on demand, checked against their hash."""
        target = self.files.path_for(sha)
        if target.is_file():
            return target
        data = self.client.download(sha)
        if hashlib.sha256(data).hexdigest() != sha:
            raise SyncError("Fichier joint reçu endommagé (empreinte différente) : réessayez.")
        self.files.put_bytes(data)
        return target

    # --- pull --------------------------------------------------------------------------

    def pull(self, report: SyncReport) -> str:
        """Pull and apply everything new; the server's forms digest."""
        with self.svc.store.reading() as session:
            state = local.read_sync_state(session)
            cursor, scope, known_epoch = state.cursor, state.scope, state.server_epoch
        start = cursor
        records: list[PulledRecord] = []
        server_epoch = known_epoch
        while True:
            self._check_cancelled()
            page = self.client.pull(after=cursor, limit=self.page_size)
            if epoch.server_restored(server_epoch, cursor, page):
                # Restored from a backup: re-offer what it lost, then pull from 0.
                self.recover_from_restore(report, page.epoch)
                cursor = start = 0
                records.clear()
                server_epoch = known_epoch = page.epoch
                continue
            server_epoch = page.epoch or server_epoch
            if page.scope != scope and cursor > 0:
                # New role or territories: records of a newly granted territory are
                # older than the cursor. Pull everything again (idempotent: versions).
                cursor = start = 0
                records.clear()
                scope = page.scope
                continue
            scope = page.scope
            digest = page.forms_digest
            self.reference_digest = page.reference_digest
            records.extend(page.records)
            cursor = page.next_cursor
            self.progress("pull", len(records), len(records) + (1 if page.has_more else 0))
            if not page.has_more:
                break
        if scope != state.scope or not state.role:
            self._remember_account()  # new role or territories: what the app offers
        unchanged = scope == state.scope and server_epoch == known_epoch
        if cursor == start and not records and unchanged:
            return digest
        self._check_cancelled()
        with self._sync_transaction() as session:
            now = self.svc.clock()
            # Vetted first (sync/vetting.py): a record that cannot be applied here is set
            # aside with why, the rest is applied and the cursor moves on. Records set
            # aside earlier are tried again (their parent may have come).
            good, aside = vetting.vet(session, [*vetting.kept_aside(session), *records])
            issued = late_edits.newly_issued(session, good)
            stats = local.apply_pulled(session, good, now)
            # Edits made here before this laptop learned of an issuing: kept, and their
            # visit reopened (sync/late_edits.py).
            reopened = late_edits.reopen_late_edits(self.svc, session, issued)
            vetting.forget(session, good)
            vetting.keep_aside(session, aside, now)
            state = local.sync_state(session)
            state.cursor = cursor
            state.scope = scope
            state.server_epoch = server_epoch
        report.pulled += stats.applied
        report.conflicts += stats.conflicts
        report.changed_visits |= stats.visit_ids
        report.reopened.extend(reopened)
        report.set_aside.extend(vetting.describe(aside))
        return digest

    def recover_from_restore(self, report: SyncReport, new_epoch: str) -> None:
        """The server went back in time (sync/epoch.py): offer it again every version
        it lost, on top of its own, and send their files again."""
        lost: list[RestoredBase] = []
        with self.svc.store.reading() as session:
            for held in epoch.held_versions(session):
                self._check_cancelled()
                query = LostVersionsQuery.model_construct(epoch=new_epoch, records=held)
                lost.extend(self.client.lost_versions(query).records)
        self._check_cancelled()
        with self._sync_transaction() as session:
            reoffered = epoch.reoffer(session, lost, new_epoch)
        report.server_restored = True
        report.reoffered += reoffered.records
        if reoffered.tables.get("attachments"):
            self.upload_attachments(report)  # the restored server may lack their files

    def _remember_account(self) -> None:
        """The account's role and territories (GET /me), kept for the app's offers."""
        from fieldvisit.sync.account import remember_user

        user = self.client.me()
        with self._sync_transaction() as session:
            remember_user(session, user)

    # --- push --------------------------------------------------------------------------

    def push(self, report: SyncReport) -> None:
        # Changes refused for good and unchanged since are not sent again (refusals.py).
        with self.svc.store.reading() as session:
            stale = refusals.has_stale(session)
            held = refusals.held(session) if not stale else set()
        if stale:
            with self._sync_transaction() as session:
                held = refusals.prune(session)
        report.held = len(held)
        skip: set[tuple[str, str]] = set(held)
        if held:  # what cannot go without a held record waits with it
            with self.svc.store.reading() as session:
                skip = refusals.held_with_dependents(session, held)
        report.held_with = len(skip) - len(held)
        for _round in range(PUSH_ROUNDS):
            sent, conflicts = self._push_round(report, skip)
            if not sent or not conflicts:
                return

    def _push_round(self, report: SyncReport, skip: set[tuple[str, str]]) -> tuple[int, int]:
        """Send every pending change once: (how many were sent, how many conflicted).

        A pipeline: while batch k is on the wire (the server checks and writes it), the
        next one is read here; once k's answer is in, k+1 goes out and k's answer is
        recorded while the server works on k+1. Batches still reach the server one
        after the other, in parent-first order.
        """
        conflicts = 0
        done = 0
        with self.svc.store.reading() as session:
            total = local.count_pending(session) - len(skip)
            with ThreadPoolExecutor(max_workers=1) as sender:
                in_flight: tuple[list[local.Outgoing], Future[Sent]] | None = None
                for batch in local.pending_batches(session, skip, self.batch_size):
                    if in_flight is not None:
                        sent, result = in_flight[0], in_flight[1].result()
                        if self.cancel.is_set():  # the answer in hand is recorded first
                            self._record_result(result, sent, report, skip)
                            raise SyncCancelled
                        in_flight = (batch, sender.submit(self._send, batch))
                        conflicts += self._record_result(result, sent, report, skip)
                        done += len(sent)
                        self.progress("push", done, max(total, done))
                    else:
                        in_flight = (batch, sender.submit(self._send, batch))
                if in_flight is not None:
                    sent, result = in_flight[0], in_flight[1].result()
                    conflicts += self._record_result(result, sent, report, skip)
                    done += len(sent)
                    self.progress("push", done, max(total, done))
        return done, conflicts

    def _send(self, batch: list[local.Outgoing]) -> Sent:
        """Send one batch (kept locally first, until its answer is recorded).

        A change the server would refuse for its size or kinds is not sent: this
        laptop answers it itself (refusals.vet_outgoing), so one bad record never makes
        the whole batch fail.
        """
        here: list[ChangeResult] = []
        sendable: list[local.Outgoing] = []
        for outgoing in batch:
            problem = refusals.vet_outgoing(outgoing.change)
            if problem is None:
                sendable.append(outgoing)
            else:
                here.append(refusals.rejected_here(outgoing, *problem))
        keys: set[tuple[str, str]] = {(str(r.table), r.id) for r in here}
        if not sendable:
            return Sent(PushResult.model_construct(batch_id="", results=here), [], keys)
        sent = self._send_checked(sendable)
        sent.result = PushResult.model_construct(
            batch_id=sent.result.batch_id, results=[*here, *sent.result.results]
        )
        sent.here |= keys
        return sent

    def _send_checked(self, batch: list[local.Outgoing]) -> Sent:
        request = PushBatch.model_construct(
            batch_id=new_id(),
            device_id=self.svc.store.device_id,
            changes=[o.change for o in batch],
        )
        with self._sync_transaction() as session:
            local.save_in_flight(session, request.batch_id, local.batch_body(request), batch)
        try:
            return Sent(self._push_retrying(request), [request.batch_id])
        except RequestRefused as err:
            # Over the server's size limit (413), or a body it could not read (422): the
            # server kept nothing. Only these are about the batch's content.
            if err.status not in (413, 422):
                raise
            refusal = err
        with self._sync_transaction() as session:
            local.forget_in_flight(session, [request.batch_id])
        if len(batch) == 1:
            # The one change the server cannot take: refused alone, the rest goes on. A
            # smaller batch each time, so splitting always ends.
            code = "too_large" if refusal.status == 413 else "invalid"
            return Sent(
                PushResult.model_construct(
                    batch_id=request.batch_id,
                    results=[refusals.rejected_here(batch[0], code, str(refusal))],
                ),
                [],
            )
        # Send it in two halves, in order, so that parents still go first.
        half = len(batch) // 2
        first, second = self._send_checked(batch[:half]), self._send_checked(batch[half:])
        return Sent(
            PushResult.model_construct(
                batch_id=first.result.batch_id,
                results=[*first.result.results, *second.result.results],
            ),
            [*first.batch_ids, *second.batch_ids],
        )

    def _push_retrying(self, request: PushBatch) -> PushResult:
        for attempt in range(SEND_TRIES):
            try:
                return self.client.push(request)
            except ConnectionLost:
                # The server may have applied it: the same batch id gets the same answer.
                if attempt == SEND_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def replay_in_flight(self, report: SyncReport) -> None:
        """Re-send the batches whose answer was never recorded (the app died), with the
        same batch ids, and record the answers: the server replays the answer it gave
        (or applies the batch if it never got it). Rows edited since stay pending, based
        on the acknowledged version, and go with the next batches."""
        with self.svc.store.reading() as session:
            batches = local.in_flight(session)
        for kept in batches:
            self._check_cancelled()
            stored = json.loads(kept.body)
            request = PushBatch.model_construct(
                batch_id=stored["batch_id"],
                device_id=stored["device_id"],
                changes=[o.change for o in kept.batch],
            )
            try:
                result = self._push_retrying(request)
            except RequestRefused as err:
                if err.code != "batch_id_reused" and err.status not in (400, 413, 422):
                    raise
                # Not replayable as it is: drop it; its rows are still pending locally
                # and go in a new batch.
                with self._sync_transaction() as session:
                    local.forget_in_flight(session, [kept.batch_id])
                continue
            self._record_result(Sent(result, [kept.batch_id]), kept.batch, report, set())

    def _record_result(
        self,
        answer_to: Sent,
        batch: list[local.Outgoing],
        report: SyncReport,
        skip: set[tuple[str, str]],
    ) -> int:
        result = answer_to.result
        sent = {o.key: o for o in batch}
        conflicts = 0
        accepted: list[tuple[local.Outgoing, int]] = []
        refused: list[refusals.Refusal] = []
        went_through: list[tuple[str, str]] = []
        with self._sync_transaction() as session:
            now = self.svc.clock()
            for answer in result.results:
                outgoing = sent.get((answer.table, answer.id))
                if outgoing is None:
                    continue
                if answer.status == "accepted" and answer.version is not None:
                    accepted.append((outgoing, answer.version))
                    went_through.append(outgoing.key)
                elif answer.status == "conflict" and answer.current is not None:
                    conflicts += 1
                    went_through.append(outgoing.key)
                    good, aside = vetting.vet(session, [answer.current])
                    vetting.keep_aside(session, aside, now)
                    report.set_aside.extend(vetting.describe(aside))
                    stats = local.apply_pulled(session, good, now)
                    report.conflicts += stats.conflicts
                    report.changed_visits |= stats.visit_ids
                else:
                    skip.add(outgoing.key)  # once per round, whatever the answer
                    line = f"{answer.table} {answer.id} : {answer.reason}"
                    if refusals.retry_later(answer):
                        report.waiting.append(line)
                        went_through.append(outgoing.key)
                        continue
                    here = outgoing.key in answer_to.here
                    by = refusals.BY_LAPTOP if here else refusals.BY_SERVER
                    code = answer.code or "refused"
                    refused.append(refusals.Refusal(outgoing, code, answer.reason or "", by))
                    report.rejected.append(line)
            local.acknowledge(session, accepted)
            refusals.forget(session, went_through)
            refusals.record(session, refused, now)
            local.forget_in_flight(session, answer_to.batch_ids)  # with its answer
            report.pushed += len(accepted)
        return conflicts

    # --- public data -------------------------------------------------------------------

    def pull_reference(self, report: SyncReport) -> None:
        """The public datasets of the territories, when the server's changed
        (sync/public_data.py): no request at all otherwise."""
        if not self.reference_digest:
            return
        self._check_cancelled()
        from fieldvisit.opendata.store import PublicDataStore
        from fieldvisit.sync.public_data import pull_reference

        store = PublicDataStore.of(self.svc.data_dir)
        try:
            got = pull_reference(store, self.client, self.reference_digest, self.svc.clock())
        finally:
            store.close()
        report.reference.extend(got.parts)
        report.reference_rejected.extend(got.rejected)

    # --- forms -------------------------------------------------------------------------

    def pull_forms(self, report: SyncReport) -> None:
        folder = self.svc.data_dir.forms
        for summary in self.client.forms().forms:
            target = folder / f"{summary.form_id}.v{summary.version}.toml"
            if (
                target.is_file()
                and hashlib.sha256(target.read_bytes()).hexdigest() == summary.sha256
            ):
                continue
            raw = self.client.form_text(summary.form_id, summary.version)
            from fieldvisit.forms import check_paths  # the validator, only when needed

            with tempfile.TemporaryDirectory() as tmp:
                candidate = Path(tmp) / target.name
                candidate.write_bytes(raw)
                problems = check_paths([candidate])
            if problems:
                report.forms_rejected.append(f"formulaire {target.name} : {problems[0]}")
                continue
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
            with os.fdopen(fd, "wb") as out:
                out.write(raw)
            os.replace(tmp_name, target)
            report.forms += 1
