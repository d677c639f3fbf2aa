"""`fieldvisit.key`: the data dir's key id, key check and passphrase-wrapped master key.

A small JSON file next to the database. It holds no secret in clear:

- `key_id`: names the master key in the OS keyring (one entry per data dir);
- `check`: a one-way value of the master key (tells a wrong key from a damaged file);
- `keyring`: whether the master key was put in the OS keyring;
- `passphrase` (optional): the master key encrypted with AES-256-GCM under a key
  derived from the passphrase by argon2id, with the salt and the argon2id parameters.

Changing the passphrase rewrites this file only (the master key, hence every data
key, stays the same). The file is replaced atomically and is readable by its owner only.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

from fieldvisit.security.errors import KeyFileDamaged, PassphraseRefused, WrongPassphrase
from fieldvisit.security.keys import MASTER_KEY_BYTES

FORMAT = "fieldvisit-key"
VERSION = 1
MIN_PASSPHRASE_CHARS = 8
SALT_BYTES = 16
NONCE_BYTES = 12


# NamedTuples rather than dataclasses: this module is imported by every start, and a
# dataclass costs about half a millisecond to define.


class KdfParams(NamedTuple):
    """argon2id parameters. The defaults are RFC 9106's second recommended choice
    (3 passes over 64 MiB, 4 lanes): about 0.2 s on a current laptop core, once per
    start. Tests pass cheap ones (`FAST_TEST_KDF`); the file records what was used."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4


PRODUCTION_KDF = KdfParams()
FAST_TEST_KDF = KdfParams(time_cost=1, memory_kib=8, parallelism=1)  # tests only


class WrappedKey(NamedTuple):
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    ciphertext: bytes


class KeyFile(NamedTuple):
    key_id: str
    check: str
    in_keyring: bool
    passphrase: WrappedKey | None = None

    def with_passphrase(self, wrapped: WrappedKey | None) -> KeyFile:
        return KeyFile(self.key_id, self.check, self.in_keyring, wrapped)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "key_id": self.key_id,
            "check": self.check,
            "keyring": self.in_keyring,
            "passphrase": None,
        }
        if self.passphrase is not None:
            w = self.passphrase
            doc["passphrase"] = {
                "kdf": "argon2id",
                "time_cost": w.kdf.time_cost,
                "memory_kib": w.kdf.memory_kib,
                "parallelism": w.kdf.parallelism,
                "salt": _b64(w.salt),
                "nonce": _b64(w.nonce),
                "wrapped_key": _b64(w.ciphertext),
            }
        return doc

    @classmethod
    def from_json(cls, doc: Any) -> KeyFile:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("not a fieldvisit key file")
        if doc.get("version") != VERSION:
            raise ValueError(f"key file version {doc.get('version')!r}")
        key_id, check = doc["key_id"], doc["check"]
        if not (isinstance(key_id, str) and isinstance(check, str) and key_id and check):
            raise ValueError("key id or check missing")
        wrapped = None
        p = doc.get("passphrase")
        if p is not None:
            if p.get("kdf") != "argon2id":
                raise ValueError(f"unknown KDF {p.get('kdf')!r}")
            kdf = KdfParams(int(p["time_cost"]), int(p["memory_kib"]), int(p["parallelism"]))
            wrapped = WrappedKey(
                kdf, _unb64(p["salt"]), _unb64(p["nonce"]), _unb64(p["wrapped_key"])
            )
        return cls(key_id, check, bool(doc.get("keyring")), wrapped)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("base64 text expected")
    return base64.b64decode(text.encode("ascii"), validate=True)


def read_key_file(path: Path) -> KeyFile | None:
    """The key file, or None when there is none. A damaged one is reported, untouched."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise KeyFileDamaged(
            f"Impossible de lire le fichier de clé {path} ({err.strerror}). Rien n'a été modifié."
        ) from err
    try:
        return KeyFile.from_json(json.loads(raw.decode("utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise KeyFileDamaged(
            f"Le fichier de clé {path} est endommagé : sans lui, les données chiffrées de "
            "ce dossier ne peuvent pas être ouvertes. Rien n'a été modifié ; remettez "
            "en place une copie de ce fichier si vous en avez une."
        ) from err


def write_key_file(path: Path, key_file: KeyFile) -> None:
    """Replace the key file atomically (temporary file, fsync, rename), mode 0600."""
    data = json.dumps(key_file.to_json(), indent=2).encode("utf-8") + b"\n"
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in folder durable (no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_new_passphrase(passphrase: str) -> str:
    """The passphrase as it will be used (NFC), or PassphraseRefused with the reason."""
    normal = unicodedata.normalize("NFC", passphrase)
    if len(normal.strip()) < MIN_PASSPHRASE_CHARS:
        raise PassphraseRefused(
            f"La phrase de passe doit compter au moins {MIN_PASSPHRASE_CHARS} caractères "
            "(plusieurs mots, c'est plus facile à retenir et plus sûr)."
        )
    return normal


def _kek(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        unicodedata.normalize("NFC", passphrase).encode("utf-8"),
        salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _aad(key_id: str) -> bytes:
    return f"{FORMAT}/{VERSION}/{key_id}".encode()


def wrap_master_key(master: bytes, passphrase: str, key_id: str, kdf: KdfParams) -> WrappedKey:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(_kek(passphrase, salt, kdf)).encrypt(nonce, master, _aad(key_id))
    return WrappedKey(kdf, salt, nonce, ciphertext)


def unwrap_master_key(key_file: KeyFile, passphrase: str, where: Path) -> bytes:
    """The master key, or WrongPassphrase (the GCM tag does not match)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    wrapped = key_file.passphrase
    if wrapped is None:
        raise WrongPassphrase(f"Aucune phrase de passe n'est définie pour {where}.")
    try:
        master = AESGCM(_kek(passphrase, wrapped.salt, wrapped.kdf)).decrypt(
            wrapped.nonce, wrapped.ciphertext, _aad(key_file.key_id)
        )
    except InvalidTag:
        raise WrongPassphrase(
            f"Phrase de passe incorrecte pour le dossier de données {where}. Rien n'a été modifié."
        ) from None
    if len(master) != MASTER_KEY_BYTES:
        raise KeyFileDamaged(f"Le fichier de clé de {where} est endommagé.")
    return master
