"""Encryption at rest of a data dir: keys, the key file, encrypted files.

One random 256-bit **master key** per data dir. It is kept in the OS keyring (Secret
Service, macOS Keychain, Windows Credential Locker) under the data dir's key id, and/or
wrapped (AES-256-GCM) by a key derived from a passphrase with argon2id, in the small
key file `fieldvisit.key` next to the database. Changing the passphrase re-wraps the
master key only: no user data is rewritten.

Every working key is derived from the master key with HKDF-SHA256 (`keys.py`): the
SQLCipher key of the database, the key of the encrypted files (attachments, caches,
`vault.py`) and the key that names those files (an HMAC of their content hash, so a
file's name does not tell which known photo or report it holds).

Imports are light: `cryptography` and `argon2` are imported when a file is encrypted or
a passphrase is used, not when the database is opened with the key from the keyring.
"""

from fieldvisit.security.errors import (
    KeyFileDamaged,
    KeyUnavailable,
    PassphraseRefused,
    PassphraseRequired,
    UnlockCancelled,
    WrongPassphrase,
)

__all__ = [
    "KeyFileDamaged",
    "KeyUnavailable",
    "PassphraseRefused",
    "PassphraseRequired",
    "UnlockCancelled",
    "WrongPassphrase",
]
