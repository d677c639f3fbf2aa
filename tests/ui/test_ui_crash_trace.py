"""The desktop app leaves the Python stack in the log folder when it dies of a crash
that Python cannot catch (a segmentation fault in Qt or a driver): faulthandler."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

CRASH_TRACE_PREFIX = "fieldvisit-crash-"  # what a support person looks for

APP_CRASH = """
import faulthandler, sys
from pathlib import Path
from fieldvisit.paths import DataDir
from fieldvisit.ui.shell import app

def segfault_in_the_window(*args, **kwargs):
    faulthandler._sigsegv()

app._run_window = segfault_in_the_window
sys.exit(app.run_app(DataDir(Path(sys.argv[1]))))
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_the_app_that_segfaults_leaves_its_stack_in_the_log_folder(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", APP_CRASH, str(tmp_path / "data")], stderr=subprocess.PIPE
    )
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGSEGV, stderr
    logs = Path(os.environ["FIELDVISIT_LOG_DIR"])
    [trace] = logs.glob(f"{CRASH_TRACE_PREFIX}*-{child.pid}.txt")
    text = trace.read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in text
    assert "segfault_in_the_window" in text and "run_app" in text
    assert "starting fieldvisit" in (logs / "fieldvisit.log").read_text(encoding="utf-8")
