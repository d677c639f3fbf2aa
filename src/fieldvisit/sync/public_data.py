"""The laptop's side of the public data the server distributes (server/reference.py).

Each pull page carries `reference_digest`, a digest of the parts (dataset ×
département) the account may read. When it differs from the one this laptop last
completed for that server, the laptop asks for the list of parts and downloads those
whose SHA-256 differs from what it last received from that server; each is checked
(size, hash, then the same reader as a file: the dataset, the département of every
row) and replaces that département of the dataset in one transaction. A part that
fails is reported and tried again at the next sync (the digest is kept only once every
part went in). So a round with nothing new costs no request of its own.

The newest arrival wins: a file imported here after a part came from the server
replaces it (until the server holds a new part); a new part from the server replaces
that département of a file imported earlier.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from fieldvisit.opendata.importer import import_part
from fieldvisit.opendata.store import PublicDataError, PublicDataStore
from fieldvisit.reference.datasets import DATASETS, DatasetError
from fieldvisit.sync.client import SyncClient


@dataclass
class ReceivedReference:
    parts: list[str] = field(default_factory=list)  # « SSMSI… (15) », one per part
    rejected: list[str] = field(default_factory=list)  # why a part was not taken


def pull_reference(
    store: PublicDataStore, client: SyncClient, digest: str, now: datetime
) -> ReceivedReference:
    """Bring this laptop's public data up to the server's (see the module docstring).
    Network errors propagate (the round failed); a bad part is only reported."""
    done = ReceivedReference()
    server = client.server_url
    try:
        if not digest or digest == store.digest(server):
            return done
        index = client.reference_index()
        received = store.received(server)
        complete = True
        for part in index.parts:
            if received.get((part.dataset, part.territory)) == part.sha256:
                continue
            title = DATASETS[part.dataset].title
            name = f"{part.dataset}-{part.territory}.csv.gz"
            content = client.reference_part(part.dataset, part.territory)
            if len(content) != part.size or hashlib.sha256(content).hexdigest() != part.sha256:
                done.rejected.append(f"{title} ({part.territory}) : reçu endommagé")
                complete = False
                continue
            try:
                import_part(
                    store,
                    content,
                    dataset=part.dataset,
                    departement=part.territory,
                    name=name,
                    edition=part.edition,
                    source=f"{part.source} ({server})",
                    now=now,
                    server=server,
                    sha256=part.sha256,
                )
            except DatasetError as err:
                done.rejected.append(f"{title} ({part.territory}) : {err}")
                complete = False
                continue
            done.parts.append(f"{title} ({part.territory})")
        if complete:
            store.set_digest(server, digest)
    except PublicDataError as err:
        done.rejected.append(str(err))
    return done
