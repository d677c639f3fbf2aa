"""`fieldvisit --smoke-test`, the window half of packaging/smoke_test.sh, on the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from fieldvisit.ui.shell.smoke import import_ui_modules


def run_fieldvisit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "FIELDVISIT_LOG_DIR": str(tmp_path / "logs"),
        "FIELDVISIT_CREDENTIALS": "file",
        "QT_QPA_PLATFORM": "offscreen",
        # No keyring in a bare environment: the data is encrypted by a passphrase.
        "FIELDVISIT_PASSPHRASE": "phrase de passe du test",
    }
    return subprocess.run(
        [sys.executable, "-m", "fieldvisit", "--data-dir", str(tmp_path / "data"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_smoke_test_opens_the_window_on_the_demo_data(tmp_path: Path) -> None:
    assert run_fieldvisit(tmp_path, "demo").returncode == 0
    shot = tmp_path / "window.png"
    result = run_fieldvisit(tmp_path, "--smoke-test", str(shot))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smoke : fenêtre ouverte, 6 visite(s) listée(s), ")
    assert "— fieldvisit » affichée" in result.stdout  # a visit's title, not the list's
    assert "menus Fichier, Aller, " in result.stdout  # French by default
    with Image.open(shot) as image:
        assert image.width > 600 and image.height > 400
    log = (tmp_path / "logs" / "fieldvisit.log").read_text(encoding="utf-8")
    assert "fieldvisit closed (exit code 0)" in log  # closed the normal way


def test_every_ui_module_imports() -> None:
    assert import_ui_modules() == []
