"""Use cases: the only layer the UI, CLI, report and sync call to change data.

Each function opens its own unit of work on the store and returns detached records
(sessions use expire_on_commit=False), which callers read but never modify.
"""

from fieldvisit.services.context import Services

__all__ = ["Services"]
