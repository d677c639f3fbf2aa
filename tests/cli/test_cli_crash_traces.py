"""A crash that Python cannot catch (a segmentation fault in a C library) leaves the
Python stack in a file of the log folder (faulthandler, logs.enable_crash_traces); a
clean exit leaves nothing there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

CRASH_TRACE_PREFIX = "fieldvisit-crash-"  # what a support person looks for

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX signals")

CLI_CRASH = """
import faulthandler, sys
from fieldvisit import cli

def segfault_in_the_command(args):
    faulthandler._sigsegv()

cli.cmd_communes_search = segfault_in_the_command
sys.exit(cli.main(["communes", "search", "Saint-Flour"]))
"""

HOLDER = """
import sys
from fieldvisit.logs import enable_crash_traces
print(enable_crash_traces(), flush=True)
sys.stdin.read()  # until the test closes it: then a clean exit
"""


def log_dir() -> Path:
    return Path(os.environ["FIELDVISIT_LOG_DIR"])  # tests/conftest.py: under tmp_path


def traces() -> list[Path]:
    return sorted(log_dir().glob(f"{CRASH_TRACE_PREFIX}*.txt"))


def clean_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "fieldvisit", "communes", "search", "Saint-Flour"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr


def test_a_command_that_segfaults_leaves_its_stack_in_the_log_folder() -> None:
    child = subprocess.Popen([sys.executable, "-c", CLI_CRASH], stderr=subprocess.PIPE)
    _, stderr = child.communicate()
    assert child.returncode == -signal.SIGSEGV, stderr
    [trace] = traces()
    assert trace.name.endswith(f"-{child.pid}.txt")
    text = trace.read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in text
    assert "segfault_in_the_command" in text and "cli.py" in text


def test_a_clean_command_leaves_no_trace_and_clears_those_of_killed_ones() -> None:
    log_dir().mkdir(parents=True)
    killed = log_dir() / f"{CRASH_TRACE_PREFIX}20260101T090000Z-12345.txt"
    killed.touch()  # a process killed before it could remove its empty file
    crashed = log_dir() / f"{CRASH_TRACE_PREFIX}20260101T080000Z-12344.txt"
    crashed.write_text("Fatal Python error: Segmentation fault\n", encoding="utf-8")
    clean_command()
    assert traces() == [crashed]


def test_a_running_process_keeps_its_trace_file(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    held = Path(holder.stdout.readline().strip())
    try:
        assert held.is_file() and held.parent == log_dir()
        clean_command()  # another start clears empty traces, not this one
        assert traces() == [held]
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=60) == 0
    assert traces() == []  # its clean exit removed it
