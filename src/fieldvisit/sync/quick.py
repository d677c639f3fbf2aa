"""A sync with nothing to do, found out without the sync engine (`fieldvisit sync`).

Most rounds of a laptop that syncs often exchange nothing. The full round
(sync/engine.py) finds that out through the store's engine, the ORM and the pydantic
wire models, about a second of imports for a command line. This module finds it out
through the DB-API driver (store/reading.py) and one GET of the pull page with the
standard library's HTTP client, and finishes the round itself only when it is sure the
full round would have done nothing but remember that it ran:

- nothing is pending in any synced table (the partial indexes of revision 0009), no push
  batch is in flight, no change is held as refused (its count is reported and the
  command exits 1: the full round says that);
- the server answers the pull from the stored cursor with no record, the same cursor,
  epoch, scope (role and territories), forms digest and public-data digest as this
  laptop last saw, and its sequence is not behind the cursor (a restored server);
- the account's role is known (the full round asks GET /me otherwise).

Anything else, an HTTP error (an expired token, a server error), an answer it cannot
read, a network failure, a proxy to go through, is left to the full round, which then
runs from the start exactly as it always does (it makes the same request again and
tells the person what went wrong, in the same words): this module writes nothing
before it is sure. Its one write, the time of the last sync, is made in a write
transaction that checks again that nothing became pending meanwhile, so a change saved
between the first look and the answer is never counted as synced. The cursor is never
moved here (only the full round, which also retries records set aside, moves it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from fieldvisit.core.clock import utc_now
from fieldvisit.store.reading import ready_for_reading, unlock_data_dir

if TYPE_CHECKING:
    import sqlcipher3.dbapi2 as sqlcipher

    from fieldvisit.paths import DataDir
    from fieldvisit.security.keys import DataKeys
    from fieldvisit.security.keysource import KeySource

#: sync/wire.py's TABLE_ORDER and API_PREFIX (a test keeps them equal): the wire module
#: is pydantic's, which this module does without.
SYNCED_TABLES = (
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
)
API_PREFIX = "/api/v1"
#: sync/local.py's IN_FLIGHT: the push batches kept until their answer is recorded.
IN_FLIGHT = "#push_in_flight"
TIMEOUT_S = 30.0  # sync/client.py's read timeout
#: Where httpx would go through a proxy (it reads these): left to the full round.
PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "HTTP_PROXY",
    "ALL_PROXY",
    "https_proxy",
    "http_proxy",
    "all_proxy",
)

_STATE = (
    "SELECT server_url, username, ca_file, cursor, scope, server_epoch, forms_digest, role "
    "FROM sync_state WHERE id = 1"
)
_WAITING = " UNION ALL ".join(
    [f"SELECT 1 FROM (SELECT 1 FROM {table} WHERE pending = 1 LIMIT 1)" for table in SYNCED_TABLES]
    + [
        "SELECT 1 FROM (SELECT 1 FROM sync_base WHERE table_name = ? LIMIT 1)",
        "SELECT 1 FROM (SELECT 1 FROM sync_refused LIMIT 1)",
    ]
)


def _waiting(connection: sqlcipher.Connection) -> bool:
    """Whether anything waits to go: a pending row, a batch in flight, a refusal held."""
    return connection.execute(_WAITING, (IN_FLIGHT,)).fetchone() is not None


def nothing_to_sync(
    data_dir: DataDir, keys: KeySource | None = None, opened: Callable[[], None] = lambda: None
) -> bool:
    """True when this round had nothing to do and is done (its time remembered); False
    when the full round must run (nothing was written). `opened` is called once the
    database is unlocked and checked, where the full round has opened the store."""
    if any(os.environ.get(name) for name in PROXY_VARIABLES):
        return False
    if not ready_for_reading(data_dir):
        return False
    data_keys, _key_file = unlock_data_dir(data_dir, keys)
    from sqlcipher3.dbapi2 import DatabaseError

    from fieldvisit.store.connection import connect, inspect_database
    from fieldvisit.store.schema_version import HEAD_REVISION

    state = inspect_database(data_dir.database, data_keys)
    if not state.exists or state.revision != HEAD_REVISION:
        return False
    opened()
    connection = connect(data_dir.database, data_keys)
    try:
        return _round(data_dir, data_keys, connection)
    except DatabaseError:
        return False  # the full round meets it again and says what it is
    finally:
        connection.close()


def _round(data_dir: DataDir, keys: DataKeys, connection: sqlcipher.Connection) -> bool:
    row = connection.execute(_STATE).fetchone()
    if row is None or _waiting(connection):
        return False
    url, username, ca_file, cursor, scope, known_epoch, forms_digest, role = row
    if not url or not username or not role:
        return False
    from fieldvisit.sync.credentials import token_store

    token = token_store(data_dir.root, keys).get(url, username)
    if not token:
        return False
    page = _pull_page(url, token, ca_file, cursor)
    if page is None or not _unchanged(page, cursor, scope, known_epoch, forms_digest):
        return False
    reference = page["reference_digest"]
    if reference and reference != _public_data_digest(data_dir, url):
        return False
    connection.execute("BEGIN IMMEDIATE")
    try:
        again = connection.execute(_STATE).fetchone()
        if again != row or _waiting(connection):
            connection.execute("ROLLBACK")
            return False
        connection.execute(
            "UPDATE sync_state SET last_error = NULL, last_sync_at = ? WHERE id = 1",
            # as store/types.py's UTCDateTime writes it
            (utc_now().isoformat(timespec="microseconds"),),
        )
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return True


def _unchanged(
    page: dict[str, Any],
    cursor: int,
    scope: str | None,
    known_epoch: str | None,
    forms_digest: str | None,
) -> bool:
    """The pull page says nothing new, as sync/engine.py's pull reads it."""
    epoch, sequence = page["epoch"], page["sequence"]
    if known_epoch and epoch and epoch != known_epoch:
        return False  # restored from a backup (sync/epoch.py)
    if sequence is not None and cursor > sequence:
        return False  # restored, the same epoch
    return (
        page["records"] == []
        and page["has_more"] is False
        and page["next_cursor"] == cursor
        and (epoch or known_epoch) == known_epoch
        and page["scope"] == scope
        and page["forms_digest"] == forms_digest
    )


_FIELDS: dict[str, tuple[type, ...]] = {
    "records": (list,),
    "next_cursor": (int,),
    "has_more": (bool,),
    "forms_digest": (str,),
    "scope": (str,),
    "epoch": (str,),
    "sequence": (int, type(None)),
    "reference_digest": (str,),
}


def _pull_page(url: str, token: str, ca_file: str | None, cursor: int) -> dict[str, Any] | None:
    """The server's pull page after the cursor (one record at most: any record means
    the full round), or None for anything but a readable 200 answer."""
    import http.client

    parts = urlsplit(url)
    query = urlencode({"after": cursor, "limit": 1})
    target = f"{parts.path.rstrip('/')}{API_PREFIX}/changes?{query}"
    try:
        if parts.scheme == "https":
            link: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=TIMEOUT_S, context=_tls(ca_file)
            )
        elif parts.scheme == "http":
            link = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT_S)
        else:
            return None
        try:
            link.request("GET", target, headers={"Authorization": f"Bearer {token}"})
            response = link.getresponse()
            body = response.read()
        finally:
            link.close()
    except (OSError, http.client.HTTPException, ValueError):
        return None
    if response.status != 200:
        return None
    try:
        page = json.loads(body)
    except ValueError:
        return None
    if not isinstance(page, dict):
        return None
    for name, kinds in _FIELDS.items():
        value = page.get(name, "" if str in kinds else None)
        if not isinstance(value, kinds) or (kinds == (int,) and isinstance(value, bool)):
            return None
        page[name] = value
    return page


def _tls(ca_file: str | None) -> Any:
    """The certificates httpx checks against (sync/client.py): the account's CA file,
    else SSL_CERT_FILE / SSL_CERT_DIR, else certifi's bundle."""
    import ssl

    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def _public_data_digest(data_dir: DataDir, server: str) -> str | None:
    """The public-data digest this laptop last completed for the server
    (sync/public_data.py asks the same)."""
    from fieldvisit.opendata.store import PublicDataError, PublicDataStore

    store = PublicDataStore.of(data_dir)
    try:
        return store.digest(server)
    except PublicDataError:
        return None
    finally:
        store.close()
