"""Signatures drawn on screen for a visit's report: the author, the maire and the
commandant de brigade (core/domain.py SignerRole).

One signature per visit and role (its id is natural: sync/wire.py NATURAL_KEYS):
signing again replaces the drawing, the name and the date — two laptops signing for
the same role offline make one record, merged like any other. The drawing is kept as
its strokes (core/signature.py) in the encrypted database.

A signature is part of what the issued report says: an issued visit is read-only
(services/issued_guard.py), so nobody signs it or takes a signature off it as it is.
To sign after issuing, « Rouvrir » the visit, sign, and issue it again: that makes the
next version of the issued PDF (report/issued.py), and the PDFs issued before stay as
they were issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.core.domain import SignerRole
from fieldvisit.core.errors import BadInput
from fieldvisit.core.signature import normalised, strokes_problem
from fieldvisit.services.context import Services
from fieldvisit.services.records import get_live, upsert_by_key
from fieldvisit.store.models import Signature, Visit, natural_id

#: the longest signer's name kept, as the wire says
NAME_CHARS = 200


def signature_id(visit_id: str, role: SignerRole | str) -> str:
    return natural_id("signature", visit_id, _role(role).value)


def _role(role: SignerRole | str) -> SignerRole:
    if isinstance(role, SignerRole):
        return role
    try:
        return SignerRole(SignerRole.parse(str(role)).value)
    except ValueError as err:
        raise BadInput(f"Signataire : {err}") from err


def sign(
    svc: Services,
    visit_id: str,
    role: SignerRole | str,
    name: str,
    strokes: Sequence[Sequence[Sequence[float]]],
    *,
    signed_at: datetime | None = None,
) -> Signature:
    """Keep the drawn signature of `role` for the visit (replacing theirs, if any)."""
    signer = _role(role)
    shown = " ".join(str(name or "").split())
    if not shown:
        raise BadInput(f"Signature ({signer.label}) : indiquez le nom du signataire.")
    if len(shown) > NAME_CHARS:
        raise BadInput(f"Le nom du signataire dépasse {NAME_CHARS} caractères.")
    drawing = normalised(strokes)
    if problem := strokes_problem(drawing):
        if not drawing:
            problem = "la signature est vide : signez dans le cadre avant de valider"
        raise BadInput(f"Signature ({signer.label}) refusée : {problem}.")
    with svc.store.transaction() as session:
        get_live(session, Visit, visit_id)
        signature = upsert_by_key(
            svc,
            session,
            Signature,
            signature_id(visit_id, signer),
            visit_id=visit_id,
            role=signer.value,
            name=shown,
            signed_at=signed_at or svc.clock(),
            strokes=drawing,
        )
        signature.name = shown
        signature.signed_at = signed_at or svc.clock()
        signature.strokes = drawing
    return signature


def remove_signature(svc: Services, visit_id: str, role: SignerRole | str) -> str:
    """Take the signature of `role` off the visit (a tombstone); the deletion's id."""
    from fieldvisit.services.deletion import soft_delete

    return soft_delete(svc, "signature", signature_id(visit_id, role))


def visit_signatures(svc: Services, visit_id: str) -> dict[SignerRole, Signature]:
    """The visit's signatures by role (the roles nobody signed for are absent)."""
    with svc.store.reading() as session:
        return signatures_of(session, visit_id)


def signatures_of(session: Session, visit_id: str) -> dict[SignerRole, Signature]:
    """The same in a session a screen already holds (one reading per screen)."""
    rows = session.scalars(
        select(Signature).where(Signature.visit_id == visit_id, Signature.deleted_at.is_(None))
    )
    found: dict[SignerRole, Signature] = {}
    for row in rows:
        try:
            found[SignerRole(row.role)] = row
        except ValueError:
            continue  # a role of a newer app: not shown here
    return dict(sorted(found.items(), key=lambda item: list(SignerRole).index(item[0])))
