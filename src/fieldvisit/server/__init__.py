"""The sync server (`fieldvisit-server`): FastAPI app, its own store, auth, admin CLI.

It shares only `fieldvisit.core` and `fieldvisit.sync.wire` with the desktop app.
"""
