"""Issuing and reopening across laptops, over real HTTP on 127.0.0.1 (uvicorn).

ARCHITECTURE.md "Sync", "Issued visits": the issued PDF syncs like any attachment, in
its territory only; a laptop that learns of an issuing while it holds unpushed edits of
the visit keeps them and reopens the visit, so nothing typed is lost and the report
issued stays as issued; the next issuing is version 2, on every laptop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from completing import complete
from fieldvisit.core.errors import RuleViolation
from fieldvisit.paths import DataDir
from fieldvisit.report.issued import issue_report
from fieldvisit.screens.report import load_report_state
from fieldvisit.server.testing import serve
from fieldvisit.services import Services, attachments
from fieldvisit.services.answers import answer_item, visit_answers
from fieldvisit.services.visits import (
    get_visit,
    list_visits,
    plan_visit,
    reopen_visit,
    update_visit,
)
from fieldvisit.sync.session import login, sync_once

FORM, ITEM = "visite-centre-bourg", "parcours"
PASSWORD = "mot-de-passe-solide"  # the users of conftest.py


@pytest.fixture
def live(server: FastAPI) -> Iterator[str]:
    with serve(server) as url:
        yield url


@pytest.fixture
def laptop(live: str, tmp_path: Path, communes: Any) -> Iterator[Callable[[str, str], Services]]:
    opened: list[Services] = []

    def make(name: str, user: str) -> Services:
        svc = Services.open(DataDir(tmp_path / name))
        svc.__dict__["communes"] = communes
        opened.append(svc)
        login(svc, live, user, PASSWORD, device_name=f"portable de {name}")
        return svc

    yield make
    for svc in opened:
        svc.close()


def _completed_visit_on_both(claire: Services, marc: Services) -> str:
    visit = plan_visit(claire, "15187", date(2026, 11, 24), author="Claire Martin")
    answer_item(claire, visit.id, FORM, ITEM, "Place de la halle, rue des Lacs")
    complete(claire, visit.id)
    sync_once(claire)
    sync_once(marc)
    assert get_visit(marc, visit.id).status == "terminee"
    return visit.id


def test_an_edit_made_offline_before_the_issuing_reopens_the_visit_and_is_kept(
    laptop: Callable[[str, str], Services],
) -> None:
    claire, marc = laptop("claire", "agent15"), laptop("marc", "coord")
    visit_id = _completed_visit_on_both(claire, marc)

    # Marc, offline, adds to the route and the synthesis; Claire issues meanwhile.
    answer_item(marc, visit_id, FORM, ITEM, "Place de la halle, rue des Lacs, allées Pompidou")
    update_visit(marc, visit_id, summary="Ajouté dans le train du retour.")
    first = issue_report(claire, visit_id)
    first_bytes = attachments.files(claire).read_bytes(first.sha256)
    assert sync_once(claire).uploaded_files == 1

    report = sync_once(marc)
    assert [r.visit_id for r in report.reopened] == [visit_id]
    assert any("Visite rouverte (Saint-Flour" in n for n in report.notices)
    assert get_visit(marc, visit_id).status == "en_cours"
    assert visit_answers(marc, visit_id, FORM)[ITEM].value.endswith("allées Pompidou")
    assert get_visit(marc, visit_id).summary == "Ajouté dans le train du retour."

    # Claire receives Marc's edits and the reopening; version 1 stays as issued.
    sync_once(claire)
    assert get_visit(claire, visit_id).status == "en_cours"
    assert visit_answers(claire, visit_id, FORM)[ITEM].value.endswith("allées Pompidou")
    assert get_visit(claire, visit_id).summary == "Ajouté dans le train du retour."
    [entry] = load_report_state(claire, visit_id).issued
    assert (entry.sha256, entry.version) == (first.sha256, 1)

    # Completed and issued again: version 2, on both laptops, version 1 unchanged.
    complete(claire, visit_id)
    second = issue_report(claire, visit_id)
    assert second.filename.endswith("-v2.pdf")
    sync_once(claire)
    sync_once(marc)
    on_marc = load_report_state(marc, visit_id)
    assert on_marc.status == "rapport_emis"
    assert [(e.version, e.sha256, e.author) for e in on_marc.issued] == [
        (2, second.sha256, "Claire Martin"),
        (1, first.sha256, "Claire Martin"),
    ]
    assert attachments.files(claire).read_bytes(first.sha256) == first_bytes


def test_a_laptop_without_edits_stays_issued_read_only_and_the_pdf_stays_in_its_territory(
    laptop: Callable[[str, str], Services],
) -> None:
    claire, marc = laptop("claire", "agent15"), laptop("marc", "coord")
    visit_id = _completed_visit_on_both(claire, marc)
    issued = issue_report(claire, visit_id)
    sync_once(claire)

    report = sync_once(marc)
    assert report.reopened == []
    assert get_visit(marc, visit_id).status == "rapport_emis"
    with pytest.raises(RuleViolation, match="lecture seule"):
        answer_item(marc, visit_id, FORM, ITEM, "Changé après l'émission")
    [entry] = load_report_state(marc, visit_id).issued
    assert entry.sha256 == issued.sha256
    # An agent of another département receives neither the visit nor its report.
    other = laptop("yves", "agent43")
    sync_once(other)
    assert list_visits(other) == []
    with other.store.reading() as session:
        from fieldvisit.store.models import Attachment

        assert session.get(Attachment, issued.attachment_id) is None

    # Marc reopens; Claire's next pull brings the reopened visit, editable again.
    reopen_visit(marc, visit_id)
    sync_once(marc)
    sync_once(claire)
    answer_item(claire, visit_id, FORM, ITEM, "Place de la halle seulement")
    assert get_visit(claire, visit_id).status == "en_cours"
