"""Typed errors raised below the UI; the UI and CLI turn them into messages.

Every message is French, says what went wrong and, where possible, what to do.
"""

from __future__ import annotations


class FieldvisitError(Exception):
    """Base of every error meant to be shown to a person."""


class BadInput(FieldvisitError):
    """The caller gave something invalid (CLI exit code 2)."""


class NotFound(BadInput):
    pass


class RuleViolation(BadInput):
    """A domain rule forbids the operation (e.g. completing a visit with gaps)."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.details = details or []

    def __str__(self) -> str:
        base = super().__str__()
        if not self.details:
            return base
        return base + "\n" + "\n".join(f"  - {d}" for d in self.details)
