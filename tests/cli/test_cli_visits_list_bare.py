"""`fieldvisit visits list` read through the driver prints what the full store prints.

The command reads every visit with plain SQL through sqlcipher3 when its data dir needs
nothing done first (services/visit_list.py); these tests run it both ways on the same
real encrypted database (the demo's visits, of several départements and every status,
plus a visit of a commune with accents, answers with accents and JSON values, a rated
theme, and deleted visits) and compare the bytes printed.
"""

from __future__ import annotations

import gc
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import FAST_TEST_KDF
from fieldvisit.security.keysource import KeySource
from fieldvisit.services import Services, visit_list
from fieldvisit.services.answers import answer_item
from fieldvisit.services.deletion import soft_delete
from fieldvisit.services.diagnostic import rate_theme
from fieldvisit.services.listing import list_visits
from fieldvisit.services.visits import plan_visit, start_visit
from fieldvisit.store import DatabaseTooNew


@pytest.fixture(scope="module")
def varied_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, plus an accented commune's visit, answers, a rating, deleted visits."""
    root = tmp_path_factory.mktemp("bare") / "data"
    assert main(["--data-dir", str(root), "demo"]) == 0
    svc = Services.open(DataDir(root))
    try:
        accented = plan_visit(svc, "35115", date(2026, 5, 4), author="Agnès Lefèvre")
        answer_item(
            svc, accented.id, "visite-centre-bourg", "parcours", "Rue de l'Écluse, côté « gare »"
        )
        start_visit(svc, accented.id)
        other = plan_visit(svc, "15187", date(2026, 5, 4), author="Jérôme")
        rate_theme(svc, other.id, "cambriolages", 3)
        gone = plan_visit(svc, "35115", date(2026, 6, 1), author="Supprimée")
        answer_item(svc, gone.id, "visite-centre-bourg", "parcours", "effacée")
        soft_delete(svc, "visit", gone.id)
        soft_delete(svc, "visit", plan_visit(svc, "56178", date(2025, 1, 2)).id)
    finally:
        svc.close()
    return root


def listed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    root: Path,
    *extra: str,
    bare: bool,
) -> str:
    """What `visits list EXTRA` prints, read through the driver (bare) or the store."""
    taken: list[bool] = []
    real = visit_list.read_every_visit

    def through(data_dir: DataDir, keys: KeySource | None = None) -> Any:
        rows = real(data_dir, keys) if bare else None
        taken.append(rows is not None)
        return rows

    with monkeypatch.context() as patch:
        patch.setattr(visit_list, "read_every_visit", through)
        assert main(["--data-dir", str(root), "visits", "list", *extra]) == 0
    out, _err = capsys.readouterr()
    assert taken == [bare]  # the path asked for is the one that printed
    return out


@pytest.mark.parametrize("extra", [(), ("--json",)])
def test_the_bare_read_prints_what_the_store_prints(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    varied_dir: Path,
    extra: tuple[str, ...],
) -> None:
    bare = listed(capsys, monkeypatch, varied_dir, *extra, bare=True)
    full = listed(capsys, monkeypatch, varied_dir, *extra, bare=False)
    assert bare == full
    if extra:
        visits = json.loads(bare)
        assert {v["departement"] for v in visits} >= {"15", "35"}
        assert len({v["status"] for v in visits}) >= 3
        assert "Supprimée" not in {v["author"] for v in visits}  # deleted: not listed
        assert any(v["answered"] > 0 for v in visits if v["commune"] == "Fougères")
    else:
        assert "Fougères (35)" in bare and "effacée" not in bare
        assert bare.count("\n") >= 7


def test_the_bare_read_counts_what_the_app_list_counts(varied_dir: Path) -> None:
    rows = visit_list.read_every_visit(DataDir(varied_dir))
    svc = Services.open(DataDir(varied_dir))
    try:
        assert rows == list_visits(svc)
    finally:
        svc.close()


def test_a_database_of_a_newer_app_is_refused_and_the_passphrase_asked_once(
    tmp_path: Path,
) -> None:
    root = tmp_path / "data"
    asked: list[str] = []

    def ask(request: Any) -> str:
        asked.append(request.purpose)
        return "phrase de passe du test bare"

    keys = KeySource(ask, keyring=None, kdf=FAST_TEST_KDF)
    svc = Services.open(DataDir(root), keys=keys)
    with svc.store.raw_connection() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    svc.close()
    asked.clear()
    again = KeySource(ask, keyring=None, kdf=FAST_TEST_KDF)
    assert visit_list.read_every_visit(DataDir(root), again) is None  # the store's turn
    with pytest.raises(DatabaseTooNew):
        Services.open(DataDir(root), keys=again)
    assert asked == ["unlock"]  # one passphrase, one argon2id, for both


def test_the_cycle_collector_is_paused_for_the_read_and_resumes_as_it_was(
    varied_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real = visit_list.read_progress_totals

    def watched(connection: Any, ids: Any, *rest: Any) -> Any:
        seen.append(gc.isenabled())
        return real(connection, ids, *rest)

    monkeypatch.setattr(visit_list, "read_progress_totals", watched)
    assert gc.isenabled()
    assert visit_list.read_every_visit(DataDir(varied_dir))
    assert gc.isenabled() and seen == [False]  # paused while the rows were built
    gc.disable()
    try:
        assert visit_list.read_every_visit(DataDir(varied_dir))
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
