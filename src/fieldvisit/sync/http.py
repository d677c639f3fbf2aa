"""httpx, imported without its command-line client.

`import httpx` also imports `httpx._main`, its `httpx` command, whenever click, rich
and pygments can be imported: they are installed beside the server's and the tests'
tools (uvicorn, schemathesis), and importing them cost every `fieldvisit sync` about
0.1 s for a command the app never runs. (The desktop bundle leaves them out:
packaging/fieldvisit.spec.) A `None` in `sys.modules` makes that one import fail, so
httpx keeps its stub `httpx.main`; the entry is removed at once, so that anyone who
does import `httpx._main` later gets it.
"""

from __future__ import annotations

import sys

if "httpx" in sys.modules:
    import httpx
else:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx
    finally:
        del sys.modules["httpx._main"]

__all__ = ["httpx"]
