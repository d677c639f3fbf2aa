"""Write tests/store/fixtures/rev_<HEAD>.sqlite3: a small database at the current schema.

Run it once whenever a migration changes the schema (after adding the revision), and
commit the file: tests then open every past revision's fixture with the current app.
It only ever writes the head revision's file: older fixtures stay as they were made.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import FAST_TEST_KDF
from fieldvisit.security.keysource import KeySource
from fieldvisit.store import open_store
from fieldvisit.store.encryption import export_plain
from fieldvisit.store.models import (
    Answer,
    Attachment,
    Observation,
    OccurrenceAnswer,
    QuickNote,
    Recommendation,
    RepeatOccurrence,
    Signature,
    Visit,
    natural_id,
)
from fieldvisit.store.schema_version import HEAD_REVISION
from fieldvisit.store.sync_models import STATE_ROW, SyncBase, SyncConflict, SyncRefused, SyncState

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "store" / "fixtures"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        # A throwaway key: the fixture is written plain (export_plain), as older apps did.
        keys = KeySource(lambda _request: "fixture passphrase", keyring=None, kdf=FAST_TEST_KDF)
        store = open_store(DataDir(Path(tmp)), keys=keys)
        stamp = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
        common = {"created_at": stamp, "updated_at": stamp, "updated_by": "fixture-device"}
        with store.transaction() as session:
            visit = Visit(
                id="0190b0c0-0000-7000-8000-000000000001",
                commune_code="15187",
                commune_name="Saint-Flour",
                departement="15",
                visit_date=date(2026, 3, 14),
                visit_type="premiere",
                status="en_cours",
                author="Fixture",
                summary="Visite « fixture » : accents é è ç œ.",
                checklist_form_id="visite-centre-bourg",
                checklist_form_version=1,
                diagnostic_form_id="diagnostic-securite",
                diagnostic_form_version=1,
                **common,
            )
            session.add(visit)
            session.flush()
            session.add(
                Answer(
                    id=natural_id("answer", visit.id, "visite-centre-bourg", "fixture_item"),
                    visit_id=visit.id,
                    form_id="visite-centre-bourg",
                    item_id="fixture_item",
                    value=["a", "b"],
                    comment="commentaire",
                    **common,
                )
            )
            session.add(
                Recommendation(
                    visit_id=visit.id,
                    text="Relancer la participation citoyenne.",
                    priority=1,
                    horizon="court",
                    porteur="commune",
                    dispositif="participation_citoyenne",
                    status="a_engager",
                    # Revision 0015: what a contrat de sécurité needs of an action.
                    dispositifs=["participation_citoyenne", "fipd"],
                    description="Réunion publique puis protocole signé.",
                    estimated_cost=4000,
                    funding=[
                        {"source": "fipd", "amount": 2400},
                        {"source": "commune", "amount": 1600},
                    ],
                    success_indicator="Protocole signé, 6 citoyens référents.",
                    review_date=date(2026, 9, 30),
                    **common,
                )
            )
            # Revision 0002: sync bookkeeping (a server, a cursor, the base of the visit).
            session.add(
                SyncState(
                    id=STATE_ROW,
                    server_url="https://fieldvisit.example.org",
                    username="fixture",
                    cursor=42,
                    last_sync_at=stamp,
                    server_epoch="0b5c1a0e-fixture-epoch",  # revision 0007
                    role="agent",
                    territories="15",
                )
            )
            session.add(
                SyncBase(
                    table_name="visits",
                    record_id=visit.id,
                    server_version=3,
                    fields={"summary": "Visite « fixture » : accents é è ç œ."},
                    deleted=False,
                )
            )
        # Revision 0008: a change the server refused for good.
        with store.transaction() as session:
            session.add(
                SyncRefused(
                    table_name="visits",
                    record_id=visit.id,
                    code="invalid",
                    reason="champ « status » : valeur inconnue",
                    refused_by="server",
                    refused_at=stamp,
                    stamp_updated_at=stamp.isoformat(),
                    stamp_deleted_at=None,
                    base_version=3,
                    fields={"summary": "Visite « fixture » : accents é è ç œ."},
                    deleted=False,
                )
            )
        # Revision 0010: a photo's EXIF facts and its annotation (its file is absent:
        # the fixture holds records only).
        with store.transaction() as session:
            session.add(
                Attachment(
                    id="0190b0c0-0000-7000-8000-000000000003",
                    visit_id=visit.id,
                    sha256="ab" * 32,
                    filename="IMG_0042.HEIC",
                    media_type="image/heif",
                    size=1234,
                    caption="Angle mort rue du Marché",
                    taken_at=stamp,
                    orientation=6,
                    gps={"lat": 45.03431, "lon": 3.08382},
                    annotation={
                        "v": 1,
                        "shapes": [
                            {"k": "arrow", "p": [0.1, 0.2, 0.5, 0.6], "c": "#e53935", "t": ""}
                        ],
                    },
                    **common,
                )
            )
        # Revision 0014: an observation of the walk, pinned on the plan, with its photo.
        with store.transaction() as session:
            session.add(
                Observation(
                    id="0190b0c0-0000-7000-8000-000000000004",
                    visit_id=visit.id,
                    category="eclairage",
                    place="Rue du Marché, devant la pharmacie",
                    severity="forte",
                    comment="Deux lampadaires éteints.",
                    pin={"x": 0.42, "y": 0.17},
                    **common,
                )
            )
            session.flush()
            photo = session.get(Attachment, "0190b0c0-0000-7000-8000-000000000003")
            assert photo is not None
            photo.observation_id = "0190b0c0-0000-7000-8000-000000000004"
        # Revision 0016: the maire's signature drawn on screen.
        with store.transaction() as session:
            session.add(
                Signature(
                    id=natural_id("signature", visit.id, "maire"),
                    visit_id=visit.id,
                    role="maire",
                    name="Jeanne Fixture",
                    signed_at=stamp,
                    strokes=[[[0.1, 0.5], [0.4, 0.2], [0.9, 0.8]]],
                    **common,
                )
            )
        # Revision 0017: an occurrence of a repeatable group, with one answer.
        with store.transaction() as session:
            occurrence_id = "0190b0c0-0000-7000-8000-000000000005"
            session.add(
                RepeatOccurrence(
                    id=occurrence_id,
                    visit_id=visit.id,
                    form_id="visite-centre-bourg",
                    group_id="locaux",
                    **common,
                )
            )
            session.flush()
            session.add(
                OccurrenceAnswer(
                    id=natural_id("occurrence-answer", occurrence_id, "local_nom"),
                    occurrence_id=occurrence_id,
                    visit_id=visit.id,
                    item_id="local_nom",
                    value="Poste de police municipale",
                    **common,
                )
            )
        # Revision 0004: the history of a change (written by the store's session event).
        with store.transaction() as session:
            answer = session.get(
                Answer, natural_id("answer", visit.id, "visite-centre-bourg", "fixture_item")
            )
            assert answer is not None
            answer.comment = "commentaire corrigé"
            answer.updated_at = stamp.replace(hour=10)
        # Revision 0005: a tombstone of one deletion, and a conflict that follows it.
        with store.transaction() as session:
            session.add(
                QuickNote(
                    id="0190b0c0-0000-7000-8000-000000000002",
                    visit_id=visit.id,
                    text="Note supprimée",
                    noted_at=stamp,
                    deleted_at=stamp,
                    deletion_id="0190b0c0-0000-7000-8000-0000000000d1",
                    **common,
                )
            )
            session.add(
                SyncConflict(
                    table_name="visits",
                    record_id=visit.id,
                    field_name="summary",
                    kind="field",
                    local_value="ici",
                    remote_value="serveur",
                    base_value="avant",
                    created_at=stamp,
                    record_version=3,
                    details={"source": "sync"},
                )
            )
        with store.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        FIXTURES.mkdir(parents=True, exist_ok=True)
        target = FIXTURES / f"rev_{HEAD_REVISION}.sqlite3"
        export_plain(Path(tmp) / "fieldvisit.sqlite3", target, store.keys)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
