"""Errors of the encryption at rest, with the French message a person reads.

All are `BadInput`: the CLI exits with code 2 and the app shows the message; nothing
in the data dir is modified when one is raised while opening.
"""

from __future__ import annotations

from fieldvisit.core.errors import BadInput


class KeyUnavailable(BadInput):
    """The master key is in no place this computer can reach."""


class PassphraseRequired(KeyUnavailable):
    """A passphrase is needed and there is no way to ask for one."""


class UnlockCancelled(PassphraseRequired):
    """The person closed the passphrase dialog."""


class WrongPassphrase(KeyUnavailable):
    pass


class PassphraseRefused(BadInput):
    """A new passphrase that is too short, or typed differently twice."""


class KeyFileDamaged(KeyUnavailable):
    pass
