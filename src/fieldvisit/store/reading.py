"""Unlocking a data dir, and the command line's bare reads (no SQLAlchemy).

`unlock_data_dir` is the one way a data dir's keys are found, for the store
(store/database.py) and for the bare reads below.

A command that only reads (`fieldvisit visits list`) and whose data dir needs nothing
done first reads through the DB-API driver (sqlcipher3) with plain SQL:
`reading_connection` gives a keyed, read-only connection, or None when the store must
be opened the full way first (no database yet, an unencrypted one or an encryption
under way, a schema revision other than this app's: `open_store` creates, encrypts,
migrates or refuses it, as it always does). The key is found and the schema checked
exactly as `open_store` does, with the same functions, so a wrong passphrase or a
damaged file is told the same way. This skips about 0.3 s of SQLAlchemy imports for a
whole-process command (docs/PERFORMANCE.md, "Command line").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldvisit.security.errors import KeyUnavailable
from fieldvisit.security.keyfile import KeyFile, read_key_file
from fieldvisit.security.keys import DataKeys
from fieldvisit.store.connection import connect, file_kind, inspect_database
from fieldvisit.store.schema_version import HEAD_REVISION

if TYPE_CHECKING:
    import sqlcipher3.dbapi2 as sqlcipher

    from fieldvisit.paths import DataDir
    from fieldvisit.security.keysource import KeySource


def unlock_data_dir(data_dir: DataDir, keys: KeySource | None = None) -> tuple[DataKeys, KeyFile]:
    """The keys of an existing data dir (asks the passphrase if needed); writes nothing."""
    from fieldvisit.security.keysource import default_key_source

    key_file = read_key_file(data_dir.key_file)
    if key_file is None:
        raise KeyUnavailable(
            f"Le dossier de données {data_dir.root} n'a pas de fichier de clé "
            "(fieldvisit.key) : ses données chiffrées ne peuvent pas être ouvertes. Rien "
            "n'a été modifié."
        )
    source = keys or default_key_source()
    return DataKeys(source.unlock(key_file, data_dir.root)), key_file


def ready_for_reading(data_dir: DataDir) -> bool:
    """Whether the data dir holds an encrypted database with its key file and nothing
    to finish first (what `open_store` would otherwise do before reading)."""
    return (
        data_dir.key_file.is_file()
        and not data_dir.encryption_marker.exists()
        and file_kind(data_dir.database) == "other"
    )


def reading_connection(
    data_dir: DataDir, keys: KeySource | None = None
) -> tuple[sqlcipher.Connection, DataKeys] | None:
    """A keyed read-only DB-API connection to the data dir's up-to-date database and its
    keys, or None when `open_store` must run first (see the module docstring).

    The caller closes the connection."""
    if not ready_for_reading(data_dir):
        return None
    data_keys, _key_file = unlock_data_dir(data_dir, keys)
    state = inspect_database(data_dir.database, data_keys)  # CorruptDatabase as open_store
    if not state.exists or state.revision != HEAD_REVISION:
        return None
    return connect(data_dir.database, data_keys, readonly=True), data_keys
