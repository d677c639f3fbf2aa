"""Accounts: argon2id password hashes, device tokens, and a login rate limit.

Tokens are `secrets.token_urlsafe(32)`; the database keeps only their SHA-256, so a
leaked database does not leak usable tokens.

The login rate limit is an in-memory sliding window per (username, client address) and
per address. It is per process and resets when the server restarts. That is enough
because `fieldvisit-server run` is one process (uvicorn with the app object: no worker
processes); a deployment that runs several copies behind a load balancer must limit
logins in the proxy as well (see the nginx example in the README). Keeping it in memory
keeps failed logins from becoming database writes an attacker can cause at will.

At most a few argon2 computations run at once (`Passwords.slots`): each takes 64 MiB and
tens of milliseconds, so a burst of logins queues instead of exhausting memory.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.errors import BadInput
from fieldvisit.server.models import Device, User
from fieldvisit.sync.wire import DEPARTEMENT_RE, ROLES

TOKEN_LIFETIME = timedelta(days=90)
MIN_PASSWORD_LENGTH = 10

# A hash of a random password, verified when the user does not exist, so that the
# answer takes as long as for a wrong password (no user enumeration by timing).
_DUMMY_PASSWORD = secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Passwords:
    """argon2id (argon2-cffi's defaults); tests may pass cheaper parameters.

    `slots` bounds how many hashes are computed at once (memory: 64 MiB each).
    """

    def __init__(self, hasher: PasswordHasher | None = None, slots: int | None = None) -> None:
        self.hasher = hasher or PasswordHasher()
        self.slots = slots or max(2, min(8, os.cpu_count() or 2))
        self._gate = threading.BoundedSemaphore(self.slots)
        self._dummy = self.hasher.hash(_DUMMY_PASSWORD)

    def hash(self, password: str) -> str:
        with self._gate:
            return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        try:
            with self._gate:
                return self.hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadInput(f"Mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères.")


def parse_territories(text: str) -> list[str]:
    """'15, 43,2a' -> ['15', '2A', '43']; refuses anything that is not a département."""
    found = sorted({t.strip().upper() for t in text.split(",") if t.strip()})
    bad = [t for t in found if not (t.isascii() and DEPARTEMENT_RE.fullmatch(t))]
    if bad:
        raise BadInput(
            f"Département(s) invalide(s) : {', '.join(bad)} (exemples valides : 15, 2A, 974)."
        )
    return found


def check_username(username: str) -> str:
    if not 1 <= len(username) <= 100 or username != username.strip():
        raise BadInput("Nom d'utilisateur : 1 à 100 caractères, sans espace au début ni à la fin.")
    if any(ch < " " or ch == "\x7f" for ch in username):
        raise BadInput("Nom d'utilisateur : caractères de contrôle interdits.")
    return username


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BadInput(f"Rôle inconnu « {role} » : {', '.join(ROLES)}.")
    return role


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def issue_token(
    session: Session, user: User, device_id: str, device_name: str, now: datetime
) -> tuple[str, Device]:
    """A fresh token for this device; an older token of the same device is revoked."""
    for old in session.scalars(
        select(Device).where(
            Device.user_id == user.id,
            Device.device_id == device_id,
            Device.revoked_at.is_(None),
        )
    ):
        old.revoked_at = now
    token = new_token()
    device = Device(
        user_id=user.id,
        device_id=device_id,
        name=device_name,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
        last_seen_at=now,
    )
    session.add(device)
    return token, device


def end_sessions(session: Session, user: User, now: datetime) -> int:
    """Revoke every live token of the user (after a password change: whoever knew the
    old password, or holds a lost laptop, must log in again); how many were live."""
    devices = list(
        session.scalars(
            select(Device).where(
                Device.user_id == user.id, Device.revoked_at.is_(None), Device.expires_at > now
            )
        )
    )
    for device in devices:
        device.revoked_at = now
    return len(devices)


class LoginLimiter:
    """At most `per_user` failed logins per (user, address) and `per_address` per address
    in `window` seconds; a success clears the user's count."""

    def __init__(
        self,
        per_user: int = 5,
        per_address: int = 30,
        window: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        now = self.clock()
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, address: str) -> int:
        """Seconds to wait before trying again, 0 if a try is allowed now."""
        with self._lock:
            waits = []
            for key, limit in (
                ((username, address), self.per_user),
                (("", address), self.per_address),
            ):
                times = self._recent(key)
                if len(times) >= limit:
                    waits.append(self.window - (self.clock() - times[0]))
            return max(1, int(max(waits)) + 1) if waits else 0

    def failed(self, username: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent((username, address)).append(now)
            self._recent(("", address)).append(now)
            if len(self._failures) > self.MAX_KEYS:
                self._forget_old()

    # Names tried are attacker-chosen: past this many keys, expired ones are dropped.
    MAX_KEYS = 10_000

    def _forget_old(self) -> None:
        for key in list(self._failures):
            if not self._recent(key):
                del self._failures[key]

    def succeeded(self, username: str, address: str) -> None:
        with self._lock:
            self._failures.pop((username, address), None)
