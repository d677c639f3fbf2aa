"""A conflict follows its record's local edits too (found by test_sync_multidevice.py).

B has an open conflict (its B1 against A's A1; the record holds A1). Without opening
the conflict view, B types B2 in the same field. The conflict still offered B1 or A1:
choosing either, or a merge of the two, wrote over B2, which the person never saw in
the view, and the choice joined B2's own history entry (one edit run, coalesced), so B2
was nowhere any more. A decision taken on a conflict whose field was edited here since
is refused and the conflict shown again, its local side B2.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from fieldvisit.core.errors import BadInput
from fieldvisit.server.testing import server_snapshot
from fieldvisit.services.answers import answer_item
from fieldvisit.services.visits import plan_visit
from fieldvisit.store.models import natural_id
from fieldvisit.sync.conflicts import conflict_entries, open_conflicts, resolve_conflict

FORM = "visite-centre-bourg"
A1 = "A1 : le maire souhaite une réunion publique"
B1 = "B1 : réunion publique refusée par le maire"
B2 = "B2 : réunion publique acceptée, date à fixer"
Make = Callable[..., Any]


def _comment(laptop: Any, visit_id: str, text: str) -> None:
    answer_item(laptop.svc, visit_id, FORM, "parcours", comment=text)


def _edited_after_the_conflict(laptops: Make) -> tuple[Any, Any, str, Any]:
    """B's conflict (B1 against A1), then B2 typed by B in the same comment."""
    a, b = laptops("a"), laptops("b")
    visit = plan_visit(a.svc, "15187", date(2026, 3, 14))
    _comment(a, visit.id, "Départ")
    a.sync()
    b.sync()
    _comment(a, visit.id, A1)
    _comment(b, visit.id, B1)
    a.sync()
    assert b.sync().conflicts == 1
    [shown] = conflict_entries(b.svc)
    assert (shown.local, shown.remote) == (B1, A1)
    _comment(b, visit.id, B2)  # the field shows A1; B types over it
    return a, b, natural_id("answer", visit.id, FORM, "parcours"), shown


def _on_server(server: FastAPI, answer_id: str) -> str:
    fields, deleted = server_snapshot(server.state.ctx.db)[("answers", answer_id)]
    assert not deleted
    return str(fields["comment"])


@pytest.mark.parametrize("choice", ["remote", "local", "value"])
def test_a_decision_on_a_conflict_edited_here_since_is_refused_and_shown_again(
    laptops: Make, server: FastAPI, choice: str
) -> None:
    a, b, answer_id, shown = _edited_after_the_conflict(laptops)
    typed = f"{A1} / {B1}" if choice == "value" else None
    with pytest.raises(BadInput, match="modifiée sur cet ordinateur"):
        resolve_conflict(b.svc, shown.id, choice, typed)
    [again] = conflict_entries(b.svc)
    assert again.id != shown.id
    assert (again.local, again.remote) == (B2, A1)
    for laptop in (b, a, b):
        laptop.sync()
    assert _on_server(server, answer_id) == B2  # B's latest edit went, as any edit
    assert not open_conflicts(b.svc)  # both sides are B2 now: nothing left to decide


def test_a_decision_on_the_conflict_shown_again_is_applied_everywhere(
    laptops: Make, server: FastAPI
) -> None:
    """Shown again with B2, the conflict is decided as any other: A1 chosen knowingly
    (a person replacing, in front of them, what they typed) reaches every laptop."""
    a, b, answer_id, shown = _edited_after_the_conflict(laptops)
    with pytest.raises(BadInput):
        resolve_conflict(b.svc, shown.id, "remote")
    [again] = conflict_entries(b.svc)
    resolve_conflict(b.svc, again.id, "remote")
    for laptop in (b, a, b):
        laptop.sync()
    assert _on_server(server, answer_id) == A1
    assert not open_conflicts(b.svc) and not open_conflicts(a.svc)
    for laptop in (a, b):
        [comment] = [
            fields["comment"]
            for (table, record_id), (fields, _) in laptop.snapshot().items()
            if (table, record_id) == ("answers", answer_id)
        ]
        assert comment == A1
