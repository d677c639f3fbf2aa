"""Form definitions published by admins and pulled by clients (immutable per version)."""

from __future__ import annotations

import hashlib
import tomllib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldvisit.server.models import PublishedForm
from fieldvisit.sync.wire import FORM_ID_RE, MAX_FORM_BYTES, FormList, FormSummary


class FormRejected(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def publish_form(
    session: Session, form_id: str, version: int, raw: bytes, user_id: int, now: datetime
) -> tuple[PublishedForm, bool]:
    """Store a form's TOML; (form, created). The same text again is a no-op."""
    if not FORM_ID_RE.match(form_id) or version < 1:
        raise FormRejected(422, "invalid_form", "Identifiant ou version de formulaire invalide.")
    if len(raw) > MAX_FORM_BYTES:
        raise FormRejected(413, "too_large", "Formulaire trop volumineux (1 Mo au plus).")
    try:
        text = raw.decode("utf-8")
        document = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise FormRejected(422, "invalid_form", f"Formulaire illisible (TOML) : {err}") from err
    except RecursionError as err:  # tomllib recurses into nested arrays and tables
        raise FormRejected(
            422, "invalid_form", "Formulaire illisible (TOML) : imbrication trop profonde."
        ) from err
    if document.get("id") != form_id or document.get("version") != version:
        raise FormRejected(
            422,
            "invalid_form",
            f"Le fichier décrit « {document.get('id')} » v{document.get('version')}, "
            f"pas « {form_id} » v{version}.",
        )
    digest = hashlib.sha256(raw).hexdigest()
    existing = session.get(PublishedForm, (form_id, version))
    if existing is not None:
        if existing.sha256 != digest:
            raise FormRejected(
                409,
                "form_exists",
                f"« {form_id} » v{version} est déjà publié avec un autre contenu : publiez "
                "une nouvelle version (les visites en cours gardent la leur).",
            )
        return existing, False
    form = PublishedForm(
        form_id=form_id,
        version=version,
        sha256=digest,
        content=text,
        published_by=user_id,
        published_at=now,
    )
    session.add(form)
    return form, True


def list_forms(session: Session) -> FormList:
    rows = session.scalars(
        select(PublishedForm).order_by(PublishedForm.form_id, PublishedForm.version)
    )
    return FormList(
        forms=[
            FormSummary(
                form_id=f.form_id,
                version=f.version,
                sha256=f.sha256,
                size=len(f.content.encode("utf-8")),
                published_at=f.published_at,
            )
            for f in rows
        ]
    )
