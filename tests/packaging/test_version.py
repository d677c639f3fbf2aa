"""One version: `__version__` in src/fieldvisit/__init__.py, read by hatchling for the
package metadata and by the PyInstaller spec for the bundle."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
from email.parser import Parser
from pathlib import Path

import pytest

import fieldvisit
from fieldvisit.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_built_metadata_has_the_version_of_the_package(tmp_path: Path) -> None:
    # The build backend's own PEP 517 hook, on the source tree, as `pip install` runs it.
    hook = (
        "import sys; from hatchling.build import prepare_metadata_for_build_wheel as hook; "
        "print(hook(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", hook, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    dist_info = tmp_path / done.stdout.strip().splitlines()[-1]
    metadata = Parser().parsestr((dist_info / "METADATA").read_text(encoding="utf-8"))
    assert metadata["Name"] == "fieldvisit"
    assert metadata["Version"] == fieldvisit.__version__


def test_installed_metadata_is_not_stale() -> None:
    # What the spec checks before a build: bumping the version needs a reinstall.
    assert importlib.metadata.version("fieldvisit") == fieldvisit.__version__


def test_the_spec_reads_the_same_version() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_support", ROOT / "packaging" / "build_support.py"
    )
    assert spec is not None and spec.loader is not None
    build_support = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_support)
    init_file = ROOT / "src" / "fieldvisit" / "__init__.py"
    assert build_support.read_version(init_file) == fieldvisit.__version__


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"fieldvisit {fieldvisit.__version__}\n"


def test_importing_the_package_does_not_read_the_installed_metadata() -> None:
    # importlib.metadata costs 35-50 ms at start-up: the version is a constant.
    probe = "import sys, fieldvisit; print('importlib.metadata' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
