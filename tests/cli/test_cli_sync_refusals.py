"""`fieldvisit sync`, `login` and `conflicts …` against a real server on 127.0.0.1: what
was refused or set aside is said on stderr, with a way out; one data dir, one account."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import (
    add_user,
    fast_passwords,
    plant_record,
    serve,
    server_snapshot,
    visit_fields,
)
from fieldvisit.services import Services
from fieldvisit.services.answers import answer_item
from fieldvisit.services.visits import plan_visit, update_visit

PASSWORD = "mot-de-passe-solide"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")
    monkeypatch.setenv("FIELDVISIT_PASSWORD", PASSWORD)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server-files",
        passwords=fast_passwords(),
    )
    ctx = app.state.ctx
    add_user(ctx.db, ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    add_user(ctx.db, ctx.passwords, "agent43", PASSWORD, "agent", ("43",))
    with serve(app) as url:
        yield app, url
    ctx.db.close()


def run(capsys: pytest.CaptureFixture[str], data: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def edit(data: Path, communes: Any, action: Any) -> Any:
    svc = Services.open(DataDir(data))
    svc.__dict__["communes"] = communes
    try:
        return action(svc)
    finally:
        svc.close()


def test_sync_says_what_was_refused_exits_1_and_the_ways_out_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server: Any, communes: Any
) -> None:
    app, url = server
    data = tmp_path / "portable"
    assert run(capsys, data, "login", "--server", url, "--user", "agent15")[0] == 0
    visit = edit(data, communes, lambda svc: plan_visit(svc, "43157", date(2026, 3, 14)))
    edit(
        data,
        communes,
        lambda svc: update_visit(svc, visit.id, summary="Notes prises au Puy-en-Velay."),
    )
    edit(
        data,
        communes,
        lambda svc: answer_item(svc, visit.id, "visite-centre-bourg", "parcours", value="x"),
    )

    code, _out, err = run(capsys, data, "sync")

    assert code == 1  # before: 0, and « sera renvoyé » for ever
    assert f"refusé : visits {visit.id} : vous n'avez pas accès à ce territoire" in err
    assert "en attente (renvoyé à la prochaine synchronisation) : answers" in err
    assert "1 modification(s) refusée(s)" in err and "fieldvisit conflicts refused" in err
    code, _out, err = run(capsys, data, "sync")  # held back, said again: the visit, and
    # the answer that cannot go without it (held with it, no longer « renvoyé »), which
    # the server never refused: counted apart
    assert code == 1 and "1 modification(s) refusée(s), non renvoyée(s)" in err
    assert "1 retenue(s) avec elles" in err
    assert "(et 1 autre(s) qui en dépend(ent), retenue(s) avec elles)" in err

    code, out, err = run(capsys, data, "conflicts", "list")
    assert code == 0 and "1 modification(s) refusée(s) par le serveur (et 1 autre(s)" in err
    code, out, _err = run(capsys, data, "conflicts", "refused")
    assert code == 0
    [line] = out.splitlines()
    assert line.startswith(f"{visit.id}\tvisits\tLe Puy-en-Velay (43)\t")
    assert "serveur : vous n'avez pas accès à ce territoire" in line
    [entry] = json.loads(run(capsys, data, "conflicts", "refused", "--json")[1])
    assert entry["fields"]["summary"] == "Notes prises au Puy-en-Velay." and entry["never_sent"]

    copy = tmp_path / "copie.txt"
    assert run(capsys, data, "conflicts", "copy", visit.id, "-o", str(copy))[0] == 0
    assert "Notes prises au Puy-en-Velay." in copy.read_text(encoding="utf-8")
    code, _out, err = run(capsys, data, "conflicts", "discard", "pas-un-id")
    assert code == 2 and "Aucune modification refusée « pas-un-id »" in err
    code, _out, err = run(capsys, data, "conflicts", "discard", visit.id)
    assert code == 0 and "2 enregistrement(s) jamais envoyé(s) retiré(s)" in err
    code, _out, err = run(capsys, data, "sync")
    assert code == 0 and "refusée" not in err
    assert ("visits", visit.id) not in server_snapshot(app.state.ctx.db)


def test_records_set_aside_by_a_pull_are_reported_and_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server: Any, communes: Any
) -> None:
    app, url = server
    data = tmp_path / "portable"
    assert run(capsys, data, "login", "--server", url, "--user", "agent15")[0] == 0
    plant_record(
        app.state.ctx.db,
        "visits",
        "0190b0c0-0000-7000-8000-00000000dead",
        visit_fields(status="piratee"),
    )

    code, _out, err = run(capsys, data, "sync")

    assert code == 0
    assert "reçu mis de côté : visits 0190b0c0-0000-7000-8000-00000000dead" in err
    assert "« piratee » n'est pas une valeur possible" in err
    code, out, _err = run(capsys, data, "visits", "list")  # before: a traceback
    assert code == 0 and "piratee" not in out
    code, out, err = run(capsys, data, "conflicts", "set-aside")
    assert code == 0 and out.startswith("0190b0c0-0000-7000-8000-00000000dead\tvisits\tv1\t")


def test_login_as_another_account_is_refused_then_clears_only_with_the_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, server: Any, communes: Any
) -> None:
    app, url = server
    data = tmp_path / "portable"
    assert run(capsys, data, "login", "--server", url, "--user", "agent15")[0] == 0
    visit = edit(data, communes, lambda svc: plan_visit(svc, "15187", date(2026, 3, 14)))
    assert run(capsys, data, "logout")[0] == 0

    code, _out, err = run(capsys, data, "login", "--server", url, "--user", "agent43")
    assert code == 2  # before: accepted, and 15's visit went with 43's token
    assert "appartient au compte agent15" in err and "1 modification(s)" in err
    assert ("visits", visit.id) not in server_snapshot(app.state.ctx.db)

    assert run(capsys, data, "login", "--server", url, "--user", "agent15")[0] == 0
    assert run(capsys, data, "sync")[0] == 0
    code, _out, err = run(capsys, data, "login", "--server", url, "--user", "agent43")
    assert code == 2 and "--clear-previous-account" in err
    assert visit.id in run(capsys, data, "visits", "list", "--json")[1]

    code, _out, err = run(
        capsys, data, "login", "--server", url, "--user", "agent43", "--clear-previous-account"
    )
    assert code == 0 and "agent43" in err
    assert json.loads(run(capsys, data, "visits", "list", "--json")[1]) == []
    assert run(capsys, data, "sync")[0] == 0
    assert json.loads(run(capsys, data, "visits", "list", "--json")[1]) == []
