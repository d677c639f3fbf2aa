"""A hostile colleague: an agent of Haute-Loire (43) with a valid account, who crafts
pushes over the wire instead of using the app.

Every record it writes carries a marker word (`pirate17`) in a text field, so that the
property test can tell where its records went. Each method is one attack of issues 11
and 12; what the server answers is kept (`answers`), but the test judges by what ends
up on the laptops and the server, not by the answer.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import httpx

from fieldvisit.server.testing import (
    answer_fields,
    attachment_fields,
    change,
    keyed,
    observation_fields,
    occurrence_answer_fields,
    occurrence_fields,
    push_body,
    signature_fields,
    visit_fields,
)
from fieldvisit.store.models import natural_id

USERNAME = "agent43"
TERRITORY = "43"
DEVICE_ID = "poste-pirate-43"
FORM = "visite-centre-bourg"
HOME_COMMUNE = ("43157", "Le Puy-en-Velay")
MARKER = re.compile(r"pirate\d+")
OVERSIZED = {
    # The whole record over the wire's 256 KiB: the batch itself is refused.
    "record": ("summary", 300_000),
    # A short field far over its length (author: 200 characters).
    "short_field": ("author", 5_000),
    # A long text under the record limit but over any note a person could type.
    "long_text": ("summary", 200_000),
}


@dataclass
class Download:
    """What the hostile account got when it asked for a photo of another territory."""

    sha256: str
    status: int  # of GET /attachments/{sha}/content
    served: bytes
    status_check: int  # of GET /attachments/{sha} (upload status)
    status_body: str  # the hash itself taken out
    unknown_status: int  # the same, for a hash the server never had
    unknown_body: str


@dataclass
class HostileAccount:
    http: httpx.Client
    token: str
    visits: list[str]  # its own visits of territory 43
    versions: dict[tuple[str, str], int] = field(default_factory=dict)
    answers: list[dict[str, Any]] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    jammed: set[str] = field(default_factory=set)  # hashes it started to upload
    moved: dict[tuple[str, str], str] = field(default_factory=dict)  # record -> its parent
    _markers: Any = field(default_factory=count)

    # --- the wire ----------------------------------------------------------------------

    @classmethod
    def log_in(cls, http: httpx.Client, password: str) -> HostileAccount:
        answer = http.post(
            "/api/v1/login",
            json={"username": USERNAME, "password": password, "device_id": DEVICE_ID},
        )
        answer.raise_for_status()
        return cls(http, answer.json()["token"], [])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def marker(self) -> str:
        return f"pirate{next(self._markers)}"

    def push(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        """Push crafted changes; the per-record answers ([] if the batch was refused)."""
        response = self.http.post(
            "/api/v1/push", json=push_body(DEVICE_ID, *changes), headers=self.headers
        )
        if response.status_code != 200:
            self.answers.append({"status": response.status_code, "body": response.text[:200]})
            return []
        results: list[dict[str, Any]] = response.json()["results"]
        for result in results:
            self.answers.append(result)
            if result["status"] == "accepted":
                self.versions[(result["table"], result["id"])] = result["version"]
        return results

    def _base(self, table: str, record_id: str) -> int:
        return self.versions.get((table, record_id), 0)

    # --- its own, ordinary records (the world starts with two visits) -----------------

    def plant_a_visit(self) -> str:
        visit_id = str(uuid.uuid4())
        code, name = HOME_COMMUNE
        fields = visit_fields(TERRITORY, code, commune_name=name, summary=self.marker())
        answer_id = natural_id("answer", visit_id, FORM, "parcours")
        answer = answer_fields(visit_id, "parcours", value="Place du Breuil")
        answer["comment"] = self.marker()
        self.push(change("visits", visit_id, fields), change("answers", answer_id, answer))
        self.visits.append(visit_id)
        return visit_id

    def _own_visit(self, pick: int) -> str:
        return self.visits[pick % len(self.visits)]

    def _answer(self, visit_id: str, item_id: str, value: Any = "oui") -> dict[str, Any]:
        fields = answer_fields(visit_id, item_id, value=value)
        fields["comment"] = self.marker()
        return fields

    # --- the attacks --------------------------------------------------------------------

    def duplicate_a_natural_key(self, pick: int) -> None:
        """A second answer to an item of its own visit, under a new id (issue 11.6)."""
        visit_id = self._own_visit(pick)
        self.push(change("answers", str(uuid.uuid4()), self._answer(visit_id, "parcours")))

    def squat_a_natural_id(self, victim_visit: str, item_id: str, pick: int) -> None:
        """An answer of its own visit under the id another territory's answer to this
        item will have: natural-key ids are predictable (issue 11.7)."""
        record_id = natural_id("answer", victim_visit, FORM, item_id)
        self.push(change("answers", record_id, self._answer(self._own_visit(pick), item_id)))

    def move_a_record(self, to_visit: str, pick: int) -> None:
        """Its own answer moved into another visit: a parent that changes (issue 11.6)."""
        visit_id = self._own_visit(pick)
        record_id = natural_id("answer", visit_id, FORM, "parcours")
        self.moved.setdefault(("answers", record_id), visit_id)
        fields = self._answer(to_visit, "parcours")
        self.push(change("answers", record_id, fields, base=self._base("answers", record_id)))

    def push_unknown_enums(self, pick: int) -> None:
        """A visit « piratée » of type « zzz » (issue 11.6): every laptop of 43 lists it."""
        visit_id = self._own_visit(pick)
        code, name = HOME_COMMUNE
        fields = visit_fields(
            TERRITORY,
            code,
            commune_name=name,
            status="piratee",
            visit_type="zzz",
            summary=self.marker(),
        )
        self.push(change("visits", visit_id, fields, base=self._base("visits", visit_id)))

    def push_an_oversized_field(self, kind: str) -> None:
        """A new visit of its own with one field far too long (issue 11.5)."""
        name, length = OVERSIZED[kind]
        code, commune = HOME_COMMUNE
        marker = self.marker()
        fields = visit_fields(TERRITORY, code, commune_name=commune, summary=marker)
        fields[name] = (marker + " ").ljust(length, "x")
        self.push(change("visits", str(uuid.uuid4()), fields))

    def write_into_a_foreign_visit(self, victim_visit: str) -> None:
        """A new answer and a recommendation under a visit of another territory."""
        rec = {
            "visit_id": victim_visit,
            "text": self.marker(),
            "theme_id": None,
            "priority": 2,
            "horizon": "court",
            "porteur": "commune",
            "dispositif": "aucun",
            "due_date": None,
            "status": "a_engager",
            "carried_from_id": None,
            "created_at": "2026-03-14T09:00:00.000000+00:00",
        }
        self.push(
            change("answers", str(uuid.uuid4()), self._answer(victim_visit, "marche_exploratoire")),
            change("recommendations", str(uuid.uuid4()), rec),
        )

    def sign_a_foreign_visit(self, victim_visit: str, role: str) -> None:
        """A signature under a visit of another territory, under the natural id the
        real signer's would take (a forged « Maire » on someone else's report)."""
        self.push(keyed("signatures", signature_fields(victim_visit, role, name=self.marker())))

    def write_an_occurrence_into_a_foreign_visit(
        self, victim_visit: str, victim_occurrence: str | None
    ) -> None:
        """A new occurrence of a repeatable group under a visit of another territory,
        an answer to an occurrence of it, and one naming its own visit instead."""
        occurrence = occurrence_fields(victim_visit)
        self.push(change("repeat_occurrences", str(uuid.uuid4()), occurrence))
        if victim_occurrence is None:
            return
        record_id = natural_id("occurrence-answer", victim_occurrence, "local_nom")
        for visit_id in (victim_visit, self._own_visit(0)):
            fields = occurrence_answer_fields(victim_occurrence, visit_id, value=self.marker())
            self.push(change("occurrence_answers", record_id, fields))

    def link_a_foreign_action(self, victim_action: str, pick: int) -> None:
        """An observation of its own visit naming an action of another territory's plan
        (an id it saw nowhere, but ids travel): it would print that action in its report."""
        fields = observation_fields(
            self._own_visit(pick), action_id=victim_action, comment=self.marker()
        )
        self.push(change("observations", str(uuid.uuid4()), fields))

    def overwrite_a_foreign_visit(self, victim_visit: str, version: int) -> None:
        """The victim's visit itself, rewritten as a visit of 43 (its id is known)."""
        code, name = HOME_COMMUNE
        fields = visit_fields(TERRITORY, code, commune_name=name, summary=self.marker())
        self.push(change("visits", victim_visit, fields, base=version))

    def declare_a_wrong_departement(self, how: str, pick: int) -> None:
        """A commune of one département declared in the other (issue 12.2): a new visit of
        Le Puy declared in 15, a new visit of Saint-Flour declared in 43, or its own visit
        moved to Saint-Flour while staying in 43."""
        marker = self.marker()
        if how == "43_as_15":
            fields = visit_fields("15", "43157", commune_name="Le Puy-en-Velay", summary=marker)
            self.push(change("visits", str(uuid.uuid4()), fields))
        elif how == "15_as_43":
            fields = visit_fields("43", "15187", commune_name="Saint-Flour", summary=marker)
            self.push(change("visits", str(uuid.uuid4()), fields))
        else:
            visit_id = self._own_visit(pick)
            fields = visit_fields("43", "15187", commune_name="Saint-Flour", summary=marker)
            self.push(change("visits", visit_id, fields, base=self._base("visits", visit_id)))

    def claim_a_foreign_photo(self, sha256: str, size: int, pick: int) -> None:
        """An attachment record of its own visit naming a hash read elsewhere (a log),
        then a download of the bytes (issue 12.1)."""
        fields = attachment_fields(self._own_visit(pick), sha256, size)
        fields["caption"] = self.marker()
        self.push(change("attachments", str(uuid.uuid4()), fields))
        self.look_at_a_photo(sha256)

    def look_at_a_photo(self, sha256: str) -> Download:
        content = self.http.get(f"/api/v1/attachments/{sha256}/content", headers=self.headers)
        status = self.http.get(f"/api/v1/attachments/{sha256}", headers=self.headers)
        never = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
        unknown = self.http.get(f"/api/v1/attachments/{never}", headers=self.headers)
        seen = Download(
            sha256,
            content.status_code,
            content.content if content.status_code == 200 else b"",
            status.status_code,
            status.text.replace(sha256, ""),
            unknown.status_code,
            unknown.text.replace(never, ""),
        )
        self.downloads.append(seen)
        return seen

    def jam_an_upload(self, sha256: str, size: int) -> None:
        """The first byte of a photo another territory is about to upload, declared ten
        times as large (issue 12.3): the partial file waits for the rest."""
        self.jammed.add(sha256)
        self.http.put(
            f"/api/v1/attachments/{sha256}",
            params={"offset": 0, "size": size * 10},
            content=b"\xff",
            headers={**self.headers, "Content-Type": "application/octet-stream"},
        )
