"""Where a data dir's master key comes from: the OS keyring, else a passphrase.

`KeySource` is given to `open_store()` (through `Services.open(keys=…)`): the CLI's
asks on the terminal or reads `FIELDVISIT_PASSPHRASE`; the app's shows a French dialog
(`ui/dialogs/passphrase.py`); tests inject one with a test keyring and cheap argon2id
parameters. Nothing here writes to the data dir: the caller writes the key file.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, NamedTuple

from fieldvisit.security.errors import (
    KeyUnavailable,
    PassphraseRefused,
    PassphraseRequired,
    WrongPassphrase,
)
from fieldvisit.security.keyfile import (
    PRODUCTION_KDF,
    KdfParams,
    KeyFile,
    check_new_passphrase,
    unwrap_master_key,
    wrap_master_key,
)
from fieldvisit.security.keys import MASTER_KEY_BYTES, key_check, new_master_key

log = logging.getLogger(__name__)

KEYRING_SERVICE = "fieldvisit-data-key"
ENV_PASSPHRASE = "FIELDVISIT_PASSPHRASE"
ENV_NEW_PASSPHRASE = "FIELDVISIT_NEW_PASSPHRASE"
TERMINAL_ATTEMPTS = 3

Purpose = Literal["unlock", "create", "current", "change"]


class PassphraseRequest(NamedTuple):
    """What to ask: `unlock` an existing data dir, a new passphrase to `create` one, the
    `current` one before a change, the new one of a `change`. `error` says why the
    previous answer was refused (empty the first time)."""

    purpose: Purpose
    data_root: Path
    attempt: int = 1
    error: str = ""


AskPassphrase = Callable[[PassphraseRequest], "str | None"]


def system_keyring() -> Any | None:
    """The OS keyring backend, or None where none works (a container, a bare system)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        log.warning("the OS keyring could not be loaded", exc_info=True)
        return None
    if isinstance(backend, fail.Keyring) or type(backend).__module__.startswith(
        ("keyring.backends.null", "keyring.backends.fail")
    ):
        return None
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return None
    try:
        if getattr(backend, "priority", 1) <= 0:
            return None
    except Exception:
        return None
    return backend


_SYSTEM = object()


class KeySource:
    """Finds or makes the master key of a data dir.

    `keyring`: a keyring backend, None for none, or by default the OS keyring (looked
    up when first needed). `ask`: how to ask a passphrase (None: no way to ask).
    `kdf`: argon2id parameters of passphrases set through this source.
    """

    def __init__(
        self,
        ask: AskPassphrase | None = None,
        *,
        keyring: Any = _SYSTEM,
        kdf: KdfParams = PRODUCTION_KDF,
        max_attempts: int = 5,
    ) -> None:
        self.ask = ask
        self.kdf = kdf
        self.max_attempts = max_attempts
        self._keyring = keyring
        self._lock = threading.Lock()
        self._prefetched: dict[str, bytes | None] = {}
        self.passphrase_used: str | None = None  # the one that unlocked, if any
        # Keys already unlocked, by key id and check: a command that tries its bare read
        # first (store/reading.py) and then opens the store (a migration to run) asks
        # the passphrase, and runs argon2id, once.
        self._unlocked: dict[tuple[str, str], bytes] = {}
        self._prefetch_thread: threading.Thread | None = None

    @property
    def keyring(self) -> Any | None:
        with self._lock:
            if self._keyring is _SYSTEM:
                self._keyring = system_keyring()
            return self._keyring

    # --- the keyring ------------------------------------------------------------------

    def start_prefetch(self, data_root: Path) -> None:
        """Look the key up in the keyring on a thread now, for an `unlock` to come: the
        import of `keyring` and the keyring's answer (a D-Bus call on Linux) overlap
        with the app's start (QApplication, translators)."""

        def fetch() -> None:
            from fieldvisit.security.keyfile import read_key_file

            try:
                key_file = read_key_file(data_root / "fieldvisit.key")
            except Exception:
                return  # unlock reads it again and reports
            if key_file is not None and key_file.in_keyring:
                value = self._from_keyring(key_file)
                with self._lock:
                    self._prefetched[key_file.key_id] = value

        self._prefetch_thread = threading.Thread(target=fetch, name="key-prefetch", daemon=True)
        self._prefetch_thread.start()

    def _from_keyring(self, key_file: KeyFile) -> bytes | None:
        with self._lock:
            if key_file.key_id in self._prefetched:
                return self._prefetched.pop(key_file.key_id)
        backend = self.keyring
        if backend is None:
            return None
        try:
            text = backend.get_password(KEYRING_SERVICE, key_file.key_id)
        except Exception:
            log.warning("the OS keyring refused to give the data key", exc_info=True)
            return None
        if not text:
            return None
        try:
            master = base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, binascii.Error, UnicodeEncodeError):
            log.warning("the keyring entry of the data key is not a key")
            return None
        if len(master) != MASTER_KEY_BYTES or key_check(master) != key_file.check:
            log.warning("the keyring holds another key than this data dir's")
            return None
        return master

    def _put_in_keyring(self, key_id: str, master: bytes) -> bool:
        backend = self.keyring
        if backend is None:
            return False
        text = base64.b64encode(master).decode("ascii")
        try:
            backend.set_password(KEYRING_SERVICE, key_id, text)
            return bool(backend.get_password(KEYRING_SERVICE, key_id) == text)
        except Exception:
            log.warning("the OS keyring refused to keep the data key", exc_info=True)
            return False

    # --- opening and creating ---------------------------------------------------------

    def unlock(self, key_file: KeyFile, data_root: Path) -> bytes:
        """The master key: from the keyring, else from the passphrase (asked)."""
        known = self._unlocked.get((key_file.key_id, key_file.check))
        if known is not None:
            return known
        master = self._unlock(key_file, data_root)
        self._unlocked[(key_file.key_id, key_file.check)] = master
        return master

    def _unlock(self, key_file: KeyFile, data_root: Path) -> bytes:
        thread = self._prefetch_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
            self._prefetch_thread = None
        if key_file.in_keyring:
            master = self._from_keyring(key_file)
            if master is not None:
                return master
        if key_file.passphrase is None:
            raise KeyUnavailable(
                f"La clé de chiffrement du dossier de données {data_root} est introuvable : "
                "elle est gardée dans le trousseau du système de l'ordinateur et de la "
                "session où ce dossier a été créé, qui n'est pas disponible ici (autre "
                "session, trousseau verrouillé ou réinstallé), et aucune phrase de passe "
                "n'a été définie. Rien n'a été modifié."
            )
        master = self._ask_and_unwrap(key_file, data_root, "unlock")
        return master

    def verify_current(self, key_file: KeyFile, data_root: Path) -> str:
        """Ask the current passphrase (before changing it) and check it; return it."""
        if self.passphrase_used is not None:
            return self.passphrase_used
        self._ask_and_unwrap(key_file, data_root, "current")
        assert self.passphrase_used is not None
        return self.passphrase_used

    def _ask_and_unwrap(self, key_file: KeyFile, data_root: Path, purpose: Purpose) -> bytes:
        error = ""
        for attempt in range(1, self.max_attempts + 1):
            passphrase = self._ask(PassphraseRequest(purpose, data_root, attempt, error))
            if passphrase is None:
                break
            try:
                master = unwrap_master_key(key_file, passphrase, data_root)
            except WrongPassphrase as err:
                error = str(err)
                continue
            self.passphrase_used = passphrase
            return master
        if error:
            raise WrongPassphrase(error)
        raise PassphraseRequired(
            f"Le dossier de données {data_root} est chiffré par une phrase de passe : "
            f"donnez-la dans la variable d'environnement {ENV_PASSPHRASE}, ou lancez la "
            "commande dans un terminal pour la saisir. Rien n'a été modifié."
        )

    def _ask(self, request: PassphraseRequest) -> str | None:
        return self.ask(request) if self.ask is not None else None

    def create(self, data_root: Path) -> tuple[bytes, KeyFile]:
        """A new master key, kept in the keyring if there is one, else wrapped by a new
        passphrase (asked). The caller writes the returned key file."""
        master = new_master_key()
        key_id = secrets.token_hex(16)
        key_file = KeyFile(key_id, key_check(master), in_keyring=False)
        if self._put_in_keyring(key_id, master):
            return master, KeyFile(key_id, key_file.check, in_keyring=True)
        passphrase = self.new_passphrase(data_root, "create")
        wrapped = wrap_master_key(master, passphrase, key_id, self.kdf)
        self.passphrase_used = passphrase
        return master, key_file.with_passphrase(wrapped)

    def new_passphrase(self, data_root: Path, purpose: Purpose) -> str:
        """A new passphrase, checked (length); the ask function confirms it if it can."""
        error = ""
        for attempt in range(1, self.max_attempts + 1):
            passphrase = self._ask(PassphraseRequest(purpose, data_root, attempt, error))
            if passphrase is None:
                break
            try:
                return check_new_passphrase(passphrase)
            except PassphraseRefused as err:
                error = str(err)
        if error:
            raise PassphraseRefused(error)
        if purpose == "create":
            raise PassphraseRequired(
                "Aucun trousseau du système n'est disponible sur cet ordinateur : les "
                f"données de {data_root} seront chiffrées par une phrase de passe. "
                f"Donnez-la dans la variable d'environnement {ENV_PASSPHRASE}, ou lancez "
                "la commande dans un terminal pour la choisir. Aucune donnée n'a été créée."
            )
        raise PassphraseRequired(
            f"Donnez la nouvelle phrase de passe dans la variable {ENV_NEW_PASSPHRASE}, "
            "ou lancez la commande dans un terminal. Rien n'a été modifié."
        )


# --- asking on a terminal / from the environment ----------------------------------------


def terminal_ask(request: PassphraseRequest) -> str | None:
    """The CLI's way: the environment variable first (one try), else the terminal."""
    env = ENV_NEW_PASSPHRASE if request.purpose == "change" else ENV_PASSPHRASE
    from_env = os.environ.get(env)
    if from_env is not None:
        return from_env if request.attempt == 1 else None
    if not sys.stdin.isatty():
        return None
    import getpass

    if request.error:
        print(request.error, file=sys.stderr)
    if request.attempt > TERMINAL_ATTEMPTS:
        return None
    where = request.data_root
    if request.purpose in ("unlock", "current"):
        label = "actuelle " if request.purpose == "current" else ""
        return getpass.getpass(f"Phrase de passe {label}du dossier de données {where} : ")
    first = getpass.getpass(f"Nouvelle phrase de passe pour {where} : ")
    if getpass.getpass("Confirmez la phrase de passe : ") != first:
        print("Les deux saisies diffèrent ; recommencez.", file=sys.stderr)
        return terminal_ask(
            PassphraseRequest(request.purpose, where, request.attempt + 1, request.error)
        )
    return first


def default_key_source() -> KeySource:
    """The OS keyring, and the terminal / FIELDVISIT_PASSPHRASE for a passphrase."""
    return KeySource(terminal_ask)
