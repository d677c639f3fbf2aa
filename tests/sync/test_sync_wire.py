"""The wire schema: strict documents, and a table description equal to the store's."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import Boolean, Date, Integer, Text, inspect

from fieldvisit.core.limits import LONG_TEXT_CHARS
from fieldvisit.store.models import USER_RECORD_MODELS
from fieldvisit.store.types import JSONValue, UTCDateTime
from fieldvisit.sync.local import SYNC_COLUMNS
from fieldvisit.sync.wire import (
    REFERENCES,
    TABLES,
    Change,
    PushBatch,
    check_fields,
    departement_of_commune,
)


def _kind(column) -> str:  # type: ignore[no-untyped-def]
    t = column.type
    if isinstance(t, UTCDateTime):
        base = "datetime"
    elif isinstance(t, JSONValue):
        base = "json"
    elif isinstance(t, Date):
        base = "date"
    elif isinstance(t, Boolean):
        base = "bool"
    elif isinstance(t, Integer):
        base = "int"
    elif isinstance(t, Text):
        base = "text"
    else:
        base = "str"
    nullable = "?" if column.nullable else ""
    length = f":{t.length}" if base == "str" and t.length else ""
    if base == "text":  # every long text has the one limit people type against
        length = f":{LONG_TEXT_CHARS}"
    return base + nullable + length


def test_wire_tables_describe_the_store_models_exactly() -> None:
    from_models = {
        m.__tablename__: {  # type: ignore[attr-defined]
            c.key: _kind(c) for c in inspect(m).columns if c.key not in SYNC_COLUMNS
        }
        for m in USER_RECORD_MODELS
    }
    assert from_models == TABLES


def test_wire_references_are_the_foreign_keys() -> None:
    for model in USER_RECORD_MODELS:
        fks = {
            (c.key, next(iter(c.foreign_keys)).column.table.name)
            for c in inspect(model).columns
            if c.foreign_keys
        }
        assert fks == set(REFERENCES[model.__tablename__])  # type: ignore[attr-defined]


def test_documents_refuse_unknown_keys_and_oversize() -> None:
    with pytest.raises(ValidationError):
        Change.model_validate(
            {"table": "visits", "id": "x", "base_version": 0, "fields": {}, "oops": 1}
        )
    with pytest.raises(ValidationError):
        Change.model_validate({"table": "x", "id": "x", "base_version": 0, "fields": {}})
    with pytest.raises(ValidationError):
        PushBatch.model_validate({"batch_id": "b", "device_id": "d", "changes": []})


def test_check_fields_explains_what_is_wrong() -> None:
    assert check_fields("quick_notes", {}) is not None
    fields = {
        "visit_id": "v",
        "text": "t",
        "noted_at": "2026-01-01T10:00:00",
        "moved_to": None,
        "created_at": "2026-01-01T10:00:00+00:00",
    }
    assert check_fields("quick_notes", fields) == "champ « noted_at » : date sans fuseau horaire"
    fields["noted_at"] = "2026-01-01T10:00:00+01:00"
    assert check_fields("quick_notes", fields) is None


@pytest.mark.parametrize(
    ("code", "dep"),
    [("15187", "15"), ("2A004", "2A"), ("2b033", "2B"), ("97411", "974"), ("x", None)],
)
def test_departement_of_commune(code: str, dep: str | None) -> None:
    assert departement_of_commune(code) == dep


# --- field rules and natural keys, shared by client and server -------------------------


def test_every_value_of_the_domain_passes_the_field_rules() -> None:
    """The rules of wire.FIELD_RULES are the lists of core/domain.py: each code of each
    list is accepted, and a value outside is refused with the field's name."""
    from fieldvisit.core import domain
    from fieldvisit.sync.wire import FIELD_RULES, check_field

    lists = {
        ("contacts", "role"): domain.ContactRole,
        ("visits", "visit_type"): domain.VisitType,
        ("visits", "status"): domain.VisitStatus,
        ("recommendations", "horizon"): domain.Horizon,
        ("recommendations", "porteur"): domain.Porteur,
        ("recommendations", "dispositif"): domain.Dispositif,
        ("recommendations", "status"): domain.ActionStatus,
    }
    for (table, name), enum in lists.items():
        assert name in FIELD_RULES[table]
        for member in enum:
            assert check_field(table, name, member.value) is None, (table, name, member)
        assert check_field(table, name, "inconnue") is not None
    for priority in domain.PRIORITY_LABELS:
        assert check_field("recommendations", "priority", priority) is None
    for level in domain.CONCERN_LABELS:
        assert check_field("theme_ratings", "level", level) is None
    assert check_field("theme_ratings", "level", 5) is not None


def test_the_apps_natural_key_records_have_the_ids_the_server_requires(
    svc,  # type: ignore[no-untyped-def]
) -> None:
    """Every natural-key record the services make is under wire.natural_record_id of
    its own fields: the server's check (natural_id_mismatch) never refuses the app."""
    services = svc  # the shipped forms and the tests' (a repeatable group)
    from datetime import date

    from sqlalchemy import select

    from fieldvisit.core.domain import ContactRole
    from fieldvisit.services import (
        answers,
        contacts,
        diagnostic,
        interviews,
        repeats,
        signatures,
        visits,
    )
    from fieldvisit.sync.codec import TABLE_OBJECTS, row_fields
    from fieldvisit.sync.wire import NATURAL_KEYS, natural_record_id

    visit = visits.plan_visit(services, "15187", date(2026, 3, 12))
    maire = contacts.add_contact(services, "Mme la Maire", ContactRole.MAIRE)
    visits.add_participant(services, visit.id, maire.id)
    answers.answer_item(services, visit.id, "visite-centre-bourg", "parcours", "Place")
    form = services.forms.get(visit.diagnostic_form_id or "", visit.diagnostic_form_version or 0)
    theme = next(form.iter_themes())
    diagnostic.rate_theme(services, visit.id, theme.id, level=3)
    signatures.sign(services, visit.id, "maire", "Mme la Maire", [[[0.1, 0.2], [0.3, 0.4]]])
    guide = services.forms.latest("entretien-elu")
    interview = interviews.record_interview(
        services, visit.id, guide.id, title="Maire", interviewee_ids=[maire.id]
    )
    item = next(i for i in guide.iter_items() if i.bind is None)  # v3: date is the interview's
    interviews.answer_interview_item(services, interview.id, item.id, None)
    interviews.update_interview(services, interview.id, notes="x")
    repeat_form = "test-checklist"  # tests/service_fixtures.py: its group « locaux »
    repeat_visit = visits.plan_visit(
        services, "15187", date(2026, 3, 13), checklist_form=repeat_form
    )
    answers.answer_item(services, repeat_visit.id, repeat_form, "pm_presente", "oui")
    occurrence = repeats.add_occurrence(services, repeat_visit.id, repeat_form, "locaux")
    repeats.set_occurrence_answer(services, occurrence.id, "local_nom", "Poste")
    with services.store.reading() as session:
        for table in NATURAL_KEYS:
            rows = session.execute(select(TABLE_OBJECTS[table])).all()
            assert rows, table
            for row in rows:
                assert row.id == natural_record_id(table, row_fields(table, row)), table


def test_photo_fields_are_checked_by_the_wire() -> None:
    """EXIF facts and annotations: a laptop or the server refuses what no laptop could
    draw or place (same rules on both sides: core/geo.py, core/annotation.py)."""
    from fieldvisit.server.testing import attachment_fields
    from fieldvisit.sync.wire import check_fields

    fields = attachment_fields("v1", "ab" * 32, 10)
    assert check_fields("attachments", fields) is None  # an older laptop sends none of them
    good = {
        **fields,
        "taken_at": "2026-03-14T09:42:05+00:00",
        "orientation": 6,
        "gps": {"lat": 45.03431, "lon": 3.08382},
        "annotation": {
            "v": 1,
            "shapes": [{"k": "text", "p": [0.1, 0.1, 0.1, 0.1], "c": "#ffffff", "t": "Ici"}],
        },
        "deletion_id": None,
    }
    assert check_fields("attachments", good) is None
    bad = {
        "orientation": (9, "hors de l'intervalle 1 à 8"),
        "gps": ({"lat": 95.0, "lon": 3.0}, "lat hors de -90 à 90"),
        "annotation": (
            {"v": 1, "shapes": [{"k": "blob", "p": [0, 0, 1, 1], "c": "#ffffff", "t": ""}]},
            "type de forme inconnu « blob »",
        ),
        "taken_at": ("2026-03-14T09:42:05", "date sans fuseau horaire"),
    }
    for name, (value, reason) in bad.items():
        problem = check_fields("attachments", {**good, name: value})
        assert problem is not None and reason in problem, (name, problem)
    too_many = {"v": 1, "shapes": [good["annotation"]["shapes"][0]] * 201}
    assert "plus de 200 formes" in (
        check_fields("attachments", {**good, "annotation": too_many}) or ""
    )
