"""What a command line imports: what it needs, when it needs it.

Every `fieldvisit …` call is a process of its own, which pays for each module it
imports before it does anything (docs/PERFORMANCE.md, "Command line"). These tests run
the command in a fresh process, as a person does, on a data dir whose key is wrapped by
a passphrase where no keyring is usable (the case that can use neither the keyring nor
its probing), and read which modules were imported when it exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldvisit import __version__
from fieldvisit.cli import main
from fieldvisit.paths import DataDir
from fieldvisit.security.keyfile import FAST_TEST_KDF
from fieldvisit.security.keysource import KeySource
from fieldvisit.server.app import create_app
from fieldvisit.server.testing import add_user, fast_passwords, serve
from fieldvisit.services import Services
from fieldvisit.services.answers import answer_item
from fieldvisit.services.visits import plan_visit

PASSPHRASE = "phrase de passe des imports"
PASSWORD = "mot-de-passe-solide"
#: Run the command line, then write the names of the imported modules to a file.
RUNNER = (
    "import sys\n"
    "from fieldvisit.cli import main\n"
    "try:\n"
    "    code = main(sys.argv[2:])\n"
    "except SystemExit as stop:\n"  # --help
    "    code = stop.code\n"
    "names = sorted(sys.modules)\n"  # before this runner's own json import
    "import json\n"
    "with open(sys.argv[1], 'w') as out: json.dump(names, out)\n"
    "sys.exit(code)\n"
)
#: Never needed to list visits or sync with nothing to do: the ORM and pydantic (the
#: list reads with Core), the keyring (the key is wrapped by a passphrase, the token is
#: in the data dir's file), images, PDFs, migrations, httpx's own command line.
NOT_FOR_ANY = (
    "keyring",
    "PIL",
    "reportlab",
    "alembic",
    "rich",
    "click",
    "pygments",
    "httpx._main",
    "fieldvisit.opendata.store",
    "fieldvisit.reference.datasets",
)
#: The list reads through the driver with plain SQL (services/visit_list.py): not even
#: SQLAlchemy Core, nor the store's engine, nor anything of the sync.
NOT_FOR_THE_LIST = (
    *NOT_FOR_ANY,
    "sqlalchemy",
    "pydantic",
    "fieldvisit.store.database",
    "fieldvisit.store.engine",
    "fieldvisit.store.models",
    "fieldvisit.forms.schema",
    "httpx",
    "httpcore",
    "fieldvisit.sync.engine",
    "fieldvisit.sync.client",
)

#: A round with nothing to do is found out through the driver and one GET of the
#: standard library (sync/quick.py): nothing of the sync engine, the store's engine, the
#: wire models or httpx.
NOT_FOR_THE_NO_OP_SYNC = (
    *NOT_FOR_ANY,
    "sqlalchemy",
    "pydantic",
    "httpx",
    "httpcore",
    "fieldvisit.store.database",
    "fieldvisit.store.models",
    "fieldvisit.sync.engine",
    "fieldvisit.sync.wire",
    "fieldvisit.sync.client",
    "fieldvisit.services.context",
)


@pytest.fixture
def synced_dir(
    tmp_path: Path, communes: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, dict[str, str]]:
    """A data dir with a passphrase-wrapped key and one visit, logged in and synced
    (the token in its file); and the environment of a machine without a keyring."""
    root = tmp_path / "data"
    keys = KeySource(lambda _request: PASSPHRASE, keyring=None, kdf=FAST_TEST_KDF)
    svc = Services.open(DataDir(root), keys=keys)
    svc.__dict__["communes"] = communes
    visit = plan_visit(svc, "15187", date(2026, 3, 14))
    answer_item(svc, visit.id, "visite-centre-bourg", "parcours", "Place de l'Hôtel-de-Ville")
    svc.close()
    env = {
        **os.environ,
        "FIELDVISIT_PASSPHRASE": PASSPHRASE,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # no keyring here
    }
    env.pop("FIELDVISIT_CREDENTIALS", None)
    return root, env


def imported_by(tmp_path: Path, env: dict[str, str], *argv: str) -> tuple[set[str], str, str]:
    """Run `fieldvisit ARGV` in a fresh process: the modules it imported, its output."""
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(listing), *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(listing.read_text())), done.stdout, done.stderr


@pytest.mark.parametrize("extra", [(), ("--json",)])
def test_visits_list_imports_neither_sqlalchemy_pydantic_nor_the_keyring(
    tmp_path: Path, synced_dir: tuple[Path, dict[str, str]], extra: tuple[str, ...]
) -> None:
    root, env = synced_dir
    modules, out, _err = imported_by(
        tmp_path, env, "--data-dir", str(root), "visits", "list", *extra
    )
    # the visit, its answer counted and its date (the checklist item bound to it)
    if extra:
        assert json.loads(out)[0]["answered"] == 2
    else:
        assert "Saint-Flour (15)" in out and "\t2/" in out
    assert sorted(name for name in NOT_FOR_THE_LIST if name in modules) == []


def test_a_sync_with_nothing_to_do_imports_neither_sqlalchemy_pydantic_nor_httpx(
    tmp_path: Path,
    synced_dir: tuple[Path, dict[str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, env = synced_dir
    app = create_app(
        f"sqlite+pysqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path / "server-files",
        passwords=fast_passwords(),
    )
    add_user(app.state.ctx.db, app.state.ctx.passwords, "agent15", PASSWORD, "agent", ("15",))
    monkeypatch.setenv("FIELDVISIT_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("FIELDVISIT_PASSWORD", PASSWORD)
    monkeypatch.setenv("FIELDVISIT_CREDENTIALS", "file")  # the token goes to the file
    with serve(app) as url:
        data = ["--data-dir", str(root)]
        assert main([*data, "login", "--server", url, "--user", "agent15"]) == 0
        assert main([*data, "sync"]) == 0  # sends the visit
        assert main([*data, "sync"]) == 0  # pulls it back: the next round has nothing
        modules, _out, err = imported_by(tmp_path, env, *data, "sync")
    app.state.ctx.db.close()
    assert "0 reçu(s), 0 envoyé(s)" in err
    assert sorted(name for name in NOT_FOR_THE_NO_OP_SYNC if name in modules) == []


def test_version_imports_no_command_module_nor_argparse(tmp_path: Path) -> None:
    modules, out, _err = imported_by(tmp_path, dict(os.environ), "--version")
    assert out == f"fieldvisit {__version__}\n"
    heavy = (
        "sqlalchemy",
        "platformdirs",
        "fieldvisit.reference",
        "fieldvisit.services",
        "fieldvisit.sync",
        "fieldvisit.core.argparse_fr",
        "argparse",
        "json",
        "typing",
        "re",
        "pathlib",
    )
    assert sorted(name for name in heavy if name in modules) == []


def test_version_among_other_options_is_argparse_s(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", "ailleurs", "--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"fieldvisit {__version__}\n"
