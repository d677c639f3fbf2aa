"""What a sync round did, and how it is told (sync/engine.py fills it; the CLI and the
app tell it). Its own module, without the ORM, so that a round with nothing to do
(sync/quick.py) says it in the same words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldvisit.sync.late_edits import Reopened


@dataclass
class SyncReport:
    uploaded_files: int = 0
    pulled: int = 0
    pushed: int = 0
    conflicts: int = 0
    # Changes refused for good this round (by the server, or by this laptop's own check
    # before sending), one line each: kept and held back (sync/refusals.py).
    rejected: list[str] = field(default_factory=list)
    # Refused at an earlier round and unchanged since: not sent again.
    held: int = 0
    # Never sent and referring to a held record the server never had: they wait with it
    # (fixing or retrying the record sends them too). Not refused by the server.
    held_with: int = 0
    # Refused for now (a parent or a file not on the server yet): sent again next round.
    waiting: list[str] = field(default_factory=list)
    # Pulled records this laptop cannot apply (sync/vetting.py): kept aside, with why.
    set_aside: list[str] = field(default_factory=list)
    forms: int = 0
    forms_rejected: list[str] = field(default_factory=list)
    # Public data received (one « dataset (département) » per part) or refused, why.
    reference: list[str] = field(default_factory=list)
    reference_rejected: list[str] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    # Files that could not be sent this round, each "name : why" (their records stay
    # pending and go once the file does; the rest of the round went on).
    unsent_files: list[str] = field(default_factory=list)
    # The server was restored from a backup (sync/epoch.py): how many versions it had
    # lost were offered to it again.
    server_restored: bool = False
    reoffered: int = 0
    # Visits whose records this round changed locally (pulled or merged): the app
    # reloads an open one.
    changed_visits: set[str] = field(default_factory=set)
    # Visits reopened because this laptop held edits of them made before it learned
    # their report was issued (sync/late_edits.py).
    reopened: list[Reopened] = field(default_factory=list)

    @property
    def notices(self) -> list[str]:
        """What the person should know about this round beyond the counts (French)."""
        out: list[str] = []
        if self.server_restored:
            from fieldvisit.sync.epoch import notice as restore_notice

            out.append(restore_notice(self.reoffered))
        if self.reopened:  # only a full round reopens (sync/late_edits.py imports the ORM)
            from fieldvisit.sync.late_edits import notices as reopened_notices

            out.extend(reopened_notices(self.reopened))
        if self.unsent_files:
            out.append(
                f"{len(self.unsent_files)} fichier(s) joint(s) non envoyé(s) : "
                + " ; ".join(self.unsent_files)
                + ". Ils repartiront à la prochaine synchronisation."
            )
        return out

    @property
    def refused(self) -> int:
        """Changes refused for good and not sent again as they are (this round's and
        earlier ones): the person decides (keep a copy, discard, fix)."""
        return len(self.rejected) + self.held

    def describe(self) -> str:
        parts = [f"{self.pulled} reçu(s)", f"{self.pushed} envoyé(s)"]
        if self.uploaded_files:
            parts.append(f"{self.uploaded_files} fichier(s) joint(s) envoyé(s)")
        if self.unsent_files:
            parts.append(f"{len(self.unsent_files)} fichier(s) joint(s) non envoyé(s)")
        if self.forms:
            parts.append(f"{self.forms} formulaire(s) reçu(s)")
        if self.conflicts:
            parts.append(f"{self.conflicts} conflit(s) à examiner")
        if self.refused:
            parts.append(f"{self.refused} modification(s) refusée(s), non renvoyée(s)")
        if self.held_with:
            parts.append(f"{self.held_with} retenue(s) avec elles")
        if self.waiting:
            parts.append(f"{len(self.waiting)} en attente d'un autre envoi")
        if self.set_aside:
            parts.append(f"{len(self.set_aside)} reçu(s) mis de côté")
        if self.forms_rejected:
            parts.append(f"{len(self.forms_rejected)} formulaire(s) refusé(s)")
        if self.reference:
            parts.append(f"{len(self.reference)} donnée(s) publique(s) reçue(s)")
        if self.reference_rejected:
            parts.append(f"{len(self.reference_rejected)} donnée(s) publique(s) refusée(s)")
        return "Synchronisation terminée : " + ", ".join(parts) + "."
