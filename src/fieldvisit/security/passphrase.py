"""Changing (or setting) the passphrase of a data dir: the key file only is rewritten.

The master key stays the same, so the database, the attachments and the backups are
not touched: only its passphrase-wrapped copy in `fieldvisit.key` is replaced, and the
old passphrase no longer opens the data dir. With the key in the OS keyring and no
passphrase yet, this sets one: it then also opens the data dir where the keyring is
not available (another session, a reinstalled system).
"""

from __future__ import annotations

from fieldvisit.paths import DataDir
from fieldvisit.security.errors import KeyUnavailable
from fieldvisit.security.keyfile import (
    PRODUCTION_KDF,
    KdfParams,
    KeyFile,
    check_new_passphrase,
    read_key_file,
    unwrap_master_key,
    wrap_master_key,
    write_key_file,
)
from fieldvisit.security.keys import DataKeys, key_check
from fieldvisit.security.keysource import KeySource


def change_passphrase(
    data_dir: DataDir,
    keys: DataKeys,
    *,
    new: str | None = None,
    current: str | None = None,
    source: KeySource | None = None,
    kdf: KdfParams | None = None,
) -> KeyFile:
    """Wrap the master key with a new passphrase; the new key file.

    `current` (required when a passphrase is set: checked against it) and `new` are
    given by the app's dialog; the CLI leaves them None and `source` asks for them.
    """
    key_file = read_key_file(data_dir.key_file)
    if key_file is None or key_check(keys.master) != key_file.check:
        raise KeyUnavailable(
            f"Le fichier de clé de {data_dir.root} a disparu ou a changé depuis "
            "l'ouverture : rien n'a été modifié."
        )
    if key_file.passphrase is not None:
        if current is not None:
            unwrap_master_key(key_file, current, data_dir.root)  # WrongPassphrase
        elif source is not None:
            source.verify_current(key_file, data_dir.root)
        else:
            raise KeyUnavailable("La phrase de passe actuelle est nécessaire pour la changer.")
    if new is not None:
        new = check_new_passphrase(new)
    elif source is not None:
        new = source.new_passphrase(data_dir.root, "change")
    else:
        raise KeyUnavailable("Aucune nouvelle phrase de passe n'a été donnée.")
    chosen_kdf = kdf or (source.kdf if source is not None else PRODUCTION_KDF)
    wrapped = wrap_master_key(keys.master, new, key_file.key_id, chosen_kdf)
    updated = key_file.with_passphrase(wrapped)
    write_key_file(data_dir.key_file, updated)
    return updated
