"""The master key and the keys derived from it (HKDF-SHA256, RFC 5869).

HKDF is written here with `hmac` from the standard library (a dozen lines, checked
against `cryptography`'s in the tests) so that opening the database with the key from
the keyring imports no cryptography package: a cold start waits for every import.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

MASTER_KEY_BYTES = 32
_HASH_BYTES = hashlib.sha256().digest_size

INFO_DATABASE = b"fieldvisit/sqlcipher/v1"
INFO_FILES = b"fieldvisit/files/v1"
INFO_NAMES = b"fieldvisit/file-names/v1"
INFO_CHECK = b"fieldvisit/key-check/v1"


def hkdf_sha256(key: bytes, info: bytes, length: int = 32, salt: bytes = b"") -> bytes:
    """HKDF-SHA256 (RFC 5869): extract with salt (zeros when empty), then expand."""
    if not 0 < length <= 255 * _HASH_BYTES:
        raise ValueError("HKDF output length out of range")
    prk = hmac.new(salt or bytes(_HASH_BYTES), key, hashlib.sha256).digest()
    output, block, counter = b"", b"", 1
    while len(output) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        output += block
        counter += 1
    return output[:length]


def new_master_key() -> bytes:
    return secrets.token_bytes(MASTER_KEY_BYTES)


class DataKeys:
    """The keys of one data dir, derived from its master key. Never logged or shown."""

    __slots__ = ("database", "files", "master", "names")

    def __init__(self, master: bytes) -> None:
        if len(master) != MASTER_KEY_BYTES:
            raise ValueError("a master key is 32 bytes")
        self.master = master
        self.database = hkdf_sha256(master, INFO_DATABASE)
        self.files = hkdf_sha256(master, INFO_FILES)
        self.names = hkdf_sha256(master, INFO_NAMES)

    def __repr__(self) -> str:
        return "DataKeys(…)"

    @property
    def sqlcipher_key(self) -> str:
        """The value of `PRAGMA key`: a raw 256-bit key, so SQLCipher runs no PBKDF2."""
        return f"\"x'{self.database.hex()}'\""


def key_check(master: bytes) -> str:
    """A short public value telling whether a key is this data dir's (hex, 16 bytes).

    Derived one-way from the master key: it reveals nothing about it, and lets a
    wrong key from the keyring be told apart from a damaged database.
    """
    return hkdf_sha256(master, INFO_CHECK, 16).hex()
