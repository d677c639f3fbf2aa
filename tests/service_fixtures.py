"""Services on a fresh data dir, with two small forms written for these tests: for the
services' tests and the others that exercise them (a visit archive, in tests/sync).
A plugin of tests/conftest.py, so that every folder of tests may ask for them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fieldvisit.paths import DataDir
from fieldvisit.services import Services

CHECKLIST = """
id = "test-checklist"
version = 1
title = "Checklist de test"
kind = "checklist"

[[sections]]
id = "police"
title = "Police municipale"

[[sections.items]]
id = "pm_presente"
label = "Police municipale présente ?"
type = "yes_no_na"
required = true

[[sections.items]]
id = "pm_agents"
label = "Nombre d'agents"
type = "number"
min = 0
required = true
visible_if = "pm_presente == 'oui'"

[[sections.items]]
id = "convention"
label = "Convention de coordination signée ?"
type = "yes_no_na"
required = true
visible_if = "pm_agents >= 3"

[[sections]]
id = "photos"
title = "Photos"

[[sections.items]]
id = "photo_place"
label = "Photo de la place"
type = "photo"
required = true

[[sections.items]]
id = "remarques"
label = "Remarques"
type = "long_text"

[[sections]]
id = "locaux"
title = "Locaux visités"
repeat = true
visible_if = "pm_presente == 'oui'"

[[sections.items]]
id = "local_nom"
label = "Nom du local"
type = "text"
required = true

[[sections.items]]
id = "local_etat"
label = "État du local"
type = "single_choice"
choices = [{ id = "bon", label = "Bon" }, { id = "degrade", label = "Dégradé" }]

[[sections.items]]
id = "local_travaux"
label = "Travaux à prévoir"
type = "long_text"
visible_if = "local_etat == 'degrade'"

[[sections.items]]
id = "local_agents"
label = "Agents affectés au local"
type = "number"
min = 0
visible_if = "pm_agents >= 1"
"""

DIAGNOSTIC = """
id = "test-diagnostic"
version = 1
title = "Diagnostic de test"
kind = "diagnostic"

[[sections]]
id = "constat"
title = "Constat de la délinquance"

[[sections.themes]]
id = "cambriolages"
label = "Cambriolages"

[[sections.themes]]
id = "rodeos"
label = "Rodéos motorisés"

[[sections.items]]
id = "sources"
label = "Sources consultées"
type = "text"
"""


class StepClock:
    """A clock that moves one second forward at each call: deterministic timestamps."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def test_forms(tmp_path: Path) -> Path:
    folder = tmp_path / "test-forms"
    folder.mkdir()
    (folder / "test-checklist.v1.toml").write_text(CHECKLIST, encoding="utf-8")
    (folder / "test-diagnostic.v1.toml").write_text(DIAGNOSTIC, encoding="utf-8")
    return folder


@pytest.fixture
def open_services(test_forms: Path, communes) -> Iterator[Callable[[DataDir], Services]]:  # type: ignore[no-untyped-def]
    """Open Services on any data dir, with the test forms and a stepping clock."""
    opened: list[Services] = []

    def factory(data_dir: DataDir) -> Services:
        services = Services.open(data_dir, extra_form_dirs=[test_forms], clock=StepClock())
        services.__dict__["communes"] = communes
        opened.append(services)
        return services

    yield factory
    for services in opened:
        services.close()


@pytest.fixture
def svc(data_dir: DataDir, open_services: Callable[[DataDir], Services]) -> Services:
    return open_services(data_dir)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "place.jpg"
    Image.new("RGB", (64, 48), (120, 160, 200)).save(path, format="JPEG")
    return path
