"""Public datasets on the server: imported once, split by département, served to the
accounts of each territory only; a damaged file changes nothing."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from fieldvisit.server.cli import main
from fieldvisit.server.reference import ReferenceDataset, ReferencePartRow
from public_data_files import write_pvd, write_ssmsi

Login = Callable[..., dict[str, str]]


def server_import(db_url: str, *paths: Path) -> int:
    return main(["reference", "import", "--db", db_url, *map(str, paths)])


def parts(app: FastAPI) -> dict[tuple[str, str], tuple[str, int]]:
    with app.state.ctx.db.reading() as session:
        rows = session.execute(
            select(ReferencePartRow.dataset, ReferencePartRow.territory, ReferencePartRow.sha256,
                   ReferencePartRow.rows)
        ).all()  # fmt: skip
    return {(d, t): (sha, n) for d, t, sha, n in rows}


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(gzip.decompress(content).decode()), delimiter=";"))


@pytest.fixture
def ssmsi(tmp_path: Path) -> Path:
    return write_ssmsi(tmp_path / "base.csv.gz", departements=["15"], communes=60).path


def test_a_file_is_split_into_one_part_per_departement(
    app: FastAPI, db_url: str, ssmsi: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server_import(db_url, ssmsi) == 0
    assert "répartie(s) en 1 département(s)" in capsys.readouterr().err  # all in the 15
    held = parts(app)
    assert held[("ssmsi", "15")][1] > 0
    assert held[("ssmsi", "43")][1] == 0  # empty, but there: the 43 is known to have none
    assert len(held) >= 100  # every département of the communes reference
    assert main(["reference", "list", "--db", db_url]) == 0
    listed = capsys.readouterr().out
    assert "Base communale de la délinquance enregistrée (SSMSI)\tédition « géographie 2025" in (
        listed
    )
    assert "Petites Villes de demain (liste des communes)\tnon importé" in listed


def test_the_same_file_gives_the_same_parts(app: FastAPI, db_url: str, ssmsi: Path) -> None:
    server_import(db_url, ssmsi)
    first = parts(app)
    server_import(db_url, ssmsi)
    assert parts(app) == first  # deterministic bytes: laptops download nothing again


def test_each_account_reads_the_parts_of_its_territories_only(
    app: FastAPI, client: TestClient, login_as: Login, db_url: str, tmp_path: Path
) -> None:
    server_import(
        db_url,
        write_ssmsi(tmp_path / "b.csv.gz", departements=["15", "43"], per_departement=30).path,
    )
    server_import(db_url, write_pvd(tmp_path / "pvd.csv").path)
    for user, territories in (("agent15", {"15"}), ("agent43", {"43"}), ("coord43", {"15", "43"})):
        headers = login_as(user)
        index = client.get("/api/v1/reference", headers=headers).json()["parts"]
        assert {p["territory"] for p in index} == territories, user
        assert {p["dataset"] for p in index} == {"ssmsi", "pvd"}
        for part in index:
            answer = client.get(
                f"/api/v1/reference/{part['dataset']}/{part['territory']}", headers=headers
            )
            assert answer.status_code == 200
            assert answer.headers["content-type"] == "application/gzip"
            assert hashlib.sha256(answer.content).hexdigest() == part["sha256"]
            header, *rows = rows_of(answer.content)
            assert header[0] in ("CODGEO_2025", "insee_com")  # the header as published
            assert rows and all(row[0].startswith(part["territory"]) for row in rows)
        other = ({"15", "43"} - territories) or None
        if other:
            (outside,) = other
            refused = client.get(f"/api/v1/reference/ssmsi/{outside}", headers=headers)
            assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    admin = login_as("admin")
    assert len(client.get("/api/v1/reference", headers=admin).json()["parts"]) >= 200
    assert client.get("/api/v1/reference").status_code == 401
    assert client.get("/api/v1/reference/ssmsi/15").status_code == 401
    agent = login_as("agent15")
    assert client.get("/api/v1/reference/cadastre/15", headers=agent).status_code == 422
    assert client.get("/api/v1/reference/ssmsi/150", headers=agent).status_code == 422
    assert client.get("/api/v1/reference?x=1", headers=agent).status_code == 422


def test_the_pull_page_digest_follows_the_parts_of_the_account(
    client: TestClient, login_as: Login, db_url: str, tmp_path: Path
) -> None:
    agent15, agent43 = login_as("agent15"), login_as("agent43")

    def digest(headers: dict[str, str]) -> str:
        return client.get("/api/v1/changes", headers=headers).json()["reference_digest"]

    assert digest(agent15) == ""  # nothing held: laptops ask nothing
    server_import(
        db_url,
        write_ssmsi(tmp_path / "a.csv.gz", departements=["15", "43"], per_departement=30).path,
    )
    before15, before43 = digest(agent15), digest(agent43)
    assert before15 and before43 and before15 != before43
    # A new edition of the 43 only: the agent of the 15 sees the same digest.
    newer = write_ssmsi(
        tmp_path / "b.csv.gz", departements=["15", "43"], per_departement=30, seed=7
    )
    server_import(db_url, newer.path)
    assert digest(agent43) != before43
    assert digest(agent15) != before15  # both changed: other figures in both
    again = digest(agent15)
    server_import(db_url, newer.path)
    assert digest(agent15) == again


def test_a_damaged_file_changes_nothing_on_the_server(
    app: FastAPI, db_url: str, ssmsi: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server_import(db_url, ssmsi) == 0
    before = parts(app)
    with app.state.ctx.db.reading() as session:
        edition = session.get(ReferenceDataset, "ssmsi")
        assert edition is not None
        imported_at = edition.imported_at
    damaged = tmp_path / "damaged.csv.gz"
    write_ssmsi(damaged, departements=["15", "43"], per_departement=30, geography=2026)
    damaged.write_bytes(damaged.read_bytes()[:-300])
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("a;b\n1;2\n")
    assert server_import(db_url, damaged, unknown) == 2
    err = capsys.readouterr().err
    assert "damaged.csv.gz" in err and "incomplet ou endommagé" in err
    assert "unknown.csv, ligne 1 : jeu de données non reconnu" in err
    assert err.count("jeu de données inchangé") == 2
    assert parts(app) == before
    with app.state.ctx.db.reading() as session:
        still = session.get(ReferenceDataset, "ssmsi")
        assert still is not None and still.imported_at == imported_at
        assert still.edition == "géographie 2025, faits 2016–2024"


def test_the_server_reads_public_data_without_the_laptop_s_code() -> None:
    """The server shares only `core`, `sync.wire` and the `reference` readers with the
    laptop: importing its public-data code loads no store, service, UI or laptop
    public-data module."""
    probe = (
        "import sys, fieldvisit.server.app, fieldvisit.server.cli, "
        "fieldvisit.server.reference, fieldvisit.server.reference_routes\n"
        "allowed = ('fieldvisit.server', 'fieldvisit.core', 'fieldvisit.sync.wire', "
        "'fieldvisit.reference')\n"
        "print(sorted(m for m in sys.modules if m.startswith('fieldvisit.') and "
        "not m.startswith(allowed) and m not in ('fieldvisit.assets', 'fieldvisit.sync')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
