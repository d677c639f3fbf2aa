"""Which forms a visit pins, and an interview's guide: one answer for every caller.

A visit pins a checklist and a diagnostic form by id and version when it is planned
(`visits.plan_visit`); an interview pins its guide the same way. Everything that shows,
answers, counts or describes a visit's items resolves those pins here, so that "the
visit's forms" means the same thing in the pages, the services, the list, the report,
the history and the conflicts.

Two ways to ask:

- `visit_forms(svc, visit)` is lenient: a pinned form that is not installed (its file
  was removed) is None and listed in `missing`, so a screen still shows the rest;
- `visit_forms(svc, visit, strict=True)`, `visit_form` and `interview_guide` raise
  `NotFound` for a form that is not installed: a use case must not write answers
  against a form it cannot check.

`pinned_keys(visit)` needs no catalogue (and so no pydantic): the visit list, read at a
cold start, uses it on bare rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fieldvisit.core.errors import BadInput, NotFound

if TYPE_CHECKING:
    from fieldvisit.forms import FormDefinition
    from fieldvisit.services.context import Services

FormKey = tuple[str, int]


class PinsForms(Protocol):
    """A visit, as a record or as a row of the list: its pinned forms' ids and versions."""

    @property
    def checklist_form_id(self) -> str | None: ...
    @property
    def checklist_form_version(self) -> int | None: ...
    @property
    def diagnostic_form_id(self) -> str | None: ...
    @property
    def diagnostic_form_version(self) -> int | None: ...


class PinsGuide(Protocol):
    """An interview: its guide's id and version."""

    @property
    def form_id(self) -> str: ...
    @property
    def form_version(self) -> int: ...


@dataclass(frozen=True)
class PinnedKeys:
    """The (id, version) of a visit's checklist and diagnostic forms; None when unset."""

    checklist: FormKey | None
    diagnostic: FormKey | None

    def __iter__(self) -> Iterator[FormKey]:
        """The keys that are set, checklist first."""
        return iter([key for key in (self.checklist, self.diagnostic) if key is not None])

    def version_of(self, form_id: str) -> int | None:
        """The version the visit pins of this form; None if it pins no such form."""
        for key in self:
            if key[0] == form_id:
                return key[1]
        return None


def _key(form_id: str | None, version: int | None) -> FormKey | None:
    return (form_id, version) if form_id is not None and version is not None else None


def pinned_keys(visit: PinsForms) -> PinnedKeys:
    return PinnedKeys(
        _key(visit.checklist_form_id, visit.checklist_form_version),
        _key(visit.diagnostic_form_id, visit.diagnostic_form_version),
    )


@dataclass(frozen=True)
class VisitForms:
    """A visit's pinned forms, resolved in the catalogue."""

    checklist: FormDefinition | None
    diagnostic: FormDefinition | None
    #: pinned but not installed (lenient resolution only)
    missing: tuple[FormKey, ...] = ()

    @property
    def all(self) -> tuple[FormDefinition, ...]:
        """The installed pinned forms, checklist first."""
        return tuple(form for form in (self.checklist, self.diagnostic) if form is not None)

    def get(self, form_id: str) -> FormDefinition | None:
        """The pinned form with this id, if the visit pins it and it is installed."""
        return next((form for form in self.all if form.id == form_id), None)


def visit_forms(svc: Services, visit: PinsForms, *, strict: bool = False) -> VisitForms:
    """The visit's checklist and diagnostic forms (see the module docstring)."""
    keys = pinned_keys(visit)
    missing: list[FormKey] = []

    def resolve(key: FormKey | None) -> FormDefinition | None:
        if key is None:
            return None
        if strict:
            return svc.forms.get(*key)
        if key not in svc.forms:
            missing.append(key)
            return None
        return svc.forms.get(*key)

    checklist = resolve(keys.checklist)
    diagnostic = resolve(keys.diagnostic)
    return VisitForms(checklist, diagnostic, tuple(missing))


def visit_form(svc: Services, visit: PinsForms, form_id: str) -> FormDefinition:
    """The pinned version of one of the visit's own forms (strict)."""
    version = pinned_keys(visit).version_of(form_id)
    if version is None:
        raise BadInput(f"Le formulaire « {form_id} » n'est pas utilisé par cette visite.")
    return svc.forms.get(form_id, version)


def interview_guide(svc: Services, interview: PinsGuide) -> FormDefinition:
    """The pinned version of an interview's guide (strict)."""
    return svc.forms.get(interview.form_id, interview.form_version)


def interview_guide_or_none(svc: Services, interview: PinsGuide) -> FormDefinition | None:
    """The interview's guide, or None when it is not installed."""
    try:
        return interview_guide(svc, interview)
    except NotFound:
        return None
