"""Build hook: compile the French catalogues (.ts → .qm) into every wheel and editable install.

The .ts files under resources/translations/ are the source (committed); the .qm files
Qt loads are build products (git-ignored). Without this hook only `make` built them, so
a `pip install .` or a venv made by hand showed the app in English. Hatchling runs the
hook for the wheel, for the editable wheel (the checkout's resources/ is then used in
place) and for the wheel built from an sdist; PySide6's lrelease comes from the build
requirements of pyproject.toml.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

TRANSLATIONS = Path("resources") / "translations"
# PySide6's own wrapper finds the lrelease binary shipped inside the PySide6 wheel.
LRELEASE = "import sys; from PySide6.scripts.pyside_tool import lrelease; lrelease()"


class TranslationsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return  # the sdist ships the .ts sources; its wheel compiles them
        folder = Path(self.root) / TRANSLATIONS
        sources = sorted(folder.glob("*.ts"))
        if not sources:
            raise RuntimeError(f"no translation catalogue (*.ts) in {folder}")
        for ts_file in sources:
            # Next to its source: the wheel's force-included resources/ folder takes it
            # (ignore files do not apply there), an editable install reads it in place.
            compile_catalogue(ts_file, ts_file.with_suffix(".qm"))


def compile_catalogue(ts_file: Path, qm_file: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LRELEASE, "-silent", str(ts_file), "-qm", str(qm_file)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not qm_file.is_file():
        raise RuntimeError(
            f"lrelease could not compile {ts_file.name}: {done.stderr.strip() or done.stdout}"
        )
