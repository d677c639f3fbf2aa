"""Public data imported once on the server reaches every laptop of its territories at
sync: a laptop of the 15 gets the 15's rows and not the 43's; a new edition arrives at
the next sync; a damaged file on the server changes nothing; a sync with nothing new
stays one request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from fieldvisit.opendata.card import commune_card
from fieldvisit.opendata.importer import import_file
from fieldvisit.opendata.store import PublicDataStore
from fieldvisit.server.cli import main as server_main
from public_data_files import write_pvd, write_ssmsi

CANTAL, HAUTE_LOIRE = "15001", "43001"  # Allanche, Agnat: first communes of each


class CountingClient(TestClient):
    """The laptop's HTTP client, counting what it sends."""

    def __init__(self, app: FastAPI) -> None:
        super().__init__(app)
        self.sent: list[str] = []

    def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.sent.append(f"{request.method} {request.url.path}")
        return super().send(request, **kwargs)


def on_server(server_url: str, *paths: Path) -> int:
    return server_main(["reference", "import", "--db", server_url, *map(str, paths)])


def laptop_of(laptops: Callable[..., Any], server: FastAPI, name: str, user: str) -> Any:
    laptop = laptops(name, user)
    laptop.http = CountingClient(server)
    return laptop


def store_of(laptop: Any) -> PublicDataStore:
    return PublicDataStore.of(laptop.svc.data_dir)


def held(laptop: Any) -> set[tuple[str, str]]:
    store = store_of(laptop)
    try:
        return {(part.dataset, part.departement) for part in store.parts()}
    finally:
        store.close()


def card(laptop: Any, code: str) -> Any:
    store = store_of(laptop)
    try:
        return commune_card(laptop.svc.communes, store, code)
    finally:
        store.close()


@pytest.fixture
def editions(tmp_path: Path) -> dict[str, Path]:
    return {
        "2025": write_ssmsi(
            tmp_path / "base-2025.csv.gz", departements=["15", "43"], per_departement=25
        ).path,
        "2026": write_ssmsi(
            tmp_path / "base-2026.csv.gz",
            departements=["15", "43"],
            per_departement=25,
            geography=2026,
            years=range(2017, 2026),
            seed=9,
        ).path,
        "pvd": write_pvd(tmp_path / "pvd.csv").path,
    }


def test_each_laptop_receives_the_rows_of_its_territories_only(
    server: FastAPI, server_url: str, laptops: Callable[..., Any], editions: dict[str, Path]
) -> None:
    assert on_server(server_url, editions["2025"], editions["pvd"]) == 0
    cantal = laptop_of(laptops, server, "cantal", "agent15")
    loire = laptop_of(laptops, server, "loire", "agent43")
    both = laptop_of(laptops, server, "both", "coord")
    report = cantal.sync()
    assert sorted(report.reference) == [
        "Base communale de la délinquance enregistrée (SSMSI) (15)",
        "Petites Villes de demain (liste des communes) (15)",
    ]
    assert "2 donnée(s) publique(s) reçue(s)" in report.describe()
    loire.sync()
    both.sync()
    assert held(cantal) == {("ssmsi", "15"), ("pvd", "15")}
    assert held(loire) == {("ssmsi", "43"), ("pvd", "43")}
    assert held(both) == {("ssmsi", "15"), ("pvd", "15"), ("ssmsi", "43"), ("pvd", "43")}
    assert card(cantal, CANTAL).crime is not None
    assert card(cantal, HAUTE_LOIRE).crime is None  # the 43's rows never came here
    assert not card(cantal, HAUTE_LOIRE).pvd.known
    assert card(loire, HAUTE_LOIRE).crime is not None
    assert card(both, CANTAL).crime.source.origin == "serveur"  # type: ignore[union-attr]
    downloads = [line for line in cantal.http.sent if "/reference/" in line]
    assert sorted(downloads) == ["GET /api/v1/reference/pvd/15", "GET /api/v1/reference/ssmsi/15"]


def test_a_sync_with_nothing_new_stays_one_request(
    server: FastAPI, server_url: str, laptops: Callable[..., Any], editions: dict[str, Path]
) -> None:
    on_server(server_url, editions["2025"], editions["pvd"])
    cantal = laptop_of(laptops, server, "cantal", "agent15")
    cantal.sync()
    cantal.http.sent.clear()
    report = cantal.sync()
    assert cantal.http.sent == ["GET /api/v1/changes"]
    assert report.reference == [] and report.reference_rejected == []


def test_a_new_edition_on_the_server_reaches_the_laptops_at_the_next_sync(
    server: FastAPI, server_url: str, laptops: Callable[..., Any], editions: dict[str, Path]
) -> None:
    on_server(server_url, editions["2025"], editions["pvd"])
    cantal = laptop_of(laptops, server, "cantal", "agent15")
    cantal.sync()
    assert card(cantal, CANTAL).crime.geography == 2025  # type: ignore[union-attr]
    assert on_server(server_url, editions["2026"]) == 0
    cantal.http.sent.clear()
    report = cantal.sync()
    assert report.reference == ["Base communale de la délinquance enregistrée (SSMSI) (15)"]
    assert [line for line in cantal.http.sent if "/reference/" in line] == [
        "GET /api/v1/reference/ssmsi/15"  # the PVD list did not change: not downloaded
    ]
    crime = card(cantal, CANTAL).crime
    assert crime is not None and crime.geography == 2026 and crime.years[-1] == 2025
    assert "géographie au 1er janvier 2026" in crime.source_line


def test_a_damaged_file_on_the_server_changes_nothing_for_the_laptops(
    server: FastAPI,
    server_url: str,
    laptops: Callable[..., Any],
    editions: dict[str, Path],
    tmp_path: Path,
) -> None:
    on_server(server_url, editions["2025"])
    cantal = laptop_of(laptops, server, "cantal", "agent15")
    cantal.sync()
    before = card(cantal, CANTAL)
    damaged = tmp_path / "damaged.csv"
    rows = write_ssmsi(tmp_path / "x.csv", departements=["15"], geography=2026).path.read_text()
    damaged.write_text(rows + "15001;2024;Vols avec armes;Infraction;3;NA;ndiff\n")
    assert on_server(server_url, damaged) == 2
    cantal.http.sent.clear()
    cantal.sync()
    assert cantal.http.sent == ["GET /api/v1/changes"]
    assert card(cantal, CANTAL) == before


def test_a_part_damaged_on_the_way_is_refused_and_taken_at_the_next_sync(
    server: FastAPI,
    server_url: str,
    laptops: Callable[..., Any],
    editions: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on_server(server_url, editions["2025"], editions["pvd"])
    cantal = laptop_of(laptops, server, "cantal", "agent15")
    from fieldvisit.sync.client import SyncClient

    real = SyncClient.reference_part
    damaged: list[str] = []

    def flip_a_byte(self: SyncClient, dataset: str, territory: str) -> bytes:
        content = real(self, dataset, territory)
        if dataset == "ssmsi" and not damaged:
            damaged.append(dataset)
            return content[:100] + bytes([content[100] ^ 0xFF]) + content[101:]
        return content

    monkeypatch.setattr(SyncClient, "reference_part", flip_a_byte)
    report = cantal.sync()
    assert damaged == ["ssmsi"]
    assert report.reference_rejected == [
        "Base communale de la délinquance enregistrée (SSMSI) (15) : reçu endommagé"
    ]
    assert held(cantal) == {("pvd", "15")}  # the good part went in, the damaged did not
    report = cantal.sync()  # the digest was not kept: asked again
    assert report.reference == ["Base communale de la délinquance enregistrée (SSMSI) (15)"]
    assert held(cantal) == {("pvd", "15"), ("ssmsi", "15")}


def test_the_newest_arrival_wins_between_a_local_file_and_the_server(
    server: FastAPI,
    server_url: str,
    laptops: Callable[..., Any],
    editions: dict[str, Path],
) -> None:
    on_server(server_url, editions["2025"])
    cantal = laptop_of(laptops, server, "cantal", "agent15")
    cantal.sync()
    store = store_of(cantal)
    import_file(store, editions["2026"], now=datetime(2026, 12, 8, tzinfo=UTC))
    store.close()
    cantal.sync()  # the server's part did not change: the file imported here stays
    crime = card(cantal, CANTAL).crime
    assert crime is not None and crime.geography == 2026 and crime.source.origin == "fichier"
    assert on_server(server_url, editions["2026"]) == 0  # a new edition on the server
    cantal.sync()
    crime = card(cantal, CANTAL).crime
    assert crime is not None and crime.source.origin == "serveur"
