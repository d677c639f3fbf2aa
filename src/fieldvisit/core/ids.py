"""Record identifiers: UUIDv7 (RFC 9562), made on the device, and natural-key ids.

Time-ordered ids sort by creation time, which keeps SQLite's B-trees compact and lets
two laptops create records offline without ever colliding.

Records that have a natural key (one answer per visit, form and item…) get instead a
UUIDv5 of that key (`natural_id`): two laptops answering the same item offline write
the same record. The key of each table is in `sync/wire.py: NATURAL_KEYS`, where the
server checks that such an id is the one of the record's own key.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

# A fixed namespace for ids derived from natural keys (see module docstring).
NATURAL_ID_NAMESPACE = uuid.UUID("0193f1a2-7c4e-7d2a-9b1e-6f7a2c1d5e00")

_lock = threading.Lock()
_last_ms = 0
_counter = 0


def uuid7(now_ms: int | None = None) -> uuid.UUID:
    """Return a new UUIDv7; ids made in the same process are strictly increasing."""
    global _last_ms, _counter
    with _lock:
        ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
        if ms <= _last_ms:
            # Same millisecond (or a clock step back): keep the order with a counter.
            ms = _last_ms
            _counter += 1
            if _counter >= 1 << 12:
                ms += 1
                _counter = 0
        else:
            _counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
        _last_ms = ms
        rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= (_counter & 0xFFF) << 64
        value |= 0b10 << 62
        value |= rand_b
        return uuid.UUID(int=value)


def new_id() -> str:
    """A new record id as the canonical 36-character text stored in the database."""
    return str(uuid7())


def natural_id(*parts: str) -> str:
    """A stable id for a record identified by its natural key (UUIDv5)."""
    return str(uuid.uuid5(NATURAL_ID_NAMESPACE, "\x1f".join(parts)))
