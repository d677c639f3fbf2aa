"""Garbage made of Qt objects is freed on the UI thread, whatever thread allocates."""

from __future__ import annotations

import gc
import threading

from fieldvisit.ui.shell.main_thread_gc import MainThreadCollector


class _CycleMember:
    """Records the thread its cycle is finally collected on (as a Qt wrapper would die),
    in the list of the test that made it."""

    def __init__(self, freed_on: list[str]) -> None:
        self.freed_on = freed_on
        self.me = self  # a reference cycle: only the cyclic collector frees it

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


def _allocate_in_background() -> None:
    def churn() -> None:
        keep = [[] for _ in range(50_000)]  # far past the first generation's threshold
        del keep

    thread = threading.Thread(target=churn, name="fieldvisit-sync")
    thread.start()
    thread.join()


def test_cycles_are_collected_on_the_ui_thread_not_by_the_allocating_thread(qapp) -> None:  # type: ignore[no-untyped-def]
    enabled_before = gc.isenabled()
    gc.enable()
    collector = MainThreadCollector()
    try:
        gc.collect()
        freed_on: list[str] = []
        _CycleMember(freed_on)
        _allocate_in_background()
        assert freed_on == [], "collected by the background thread"
        gc.collect()  # what the collector's timer does, on this thread
        assert freed_on == [threading.main_thread().name]
    finally:
        collector.stop()
    assert gc.isenabled()  # automatic collection given back
    if not enabled_before:
        gc.disable()


def test_the_collector_runs_a_due_collection_when_the_counters_say_so(qapp) -> None:  # type: ignore[no-untyped-def]
    collector = MainThreadCollector()
    try:
        gc.collect()
        assert collector.collect_due() == -1  # nothing allocated since
        keep = [[] for _ in range(gc.get_threshold()[0] * 2)]
        assert collector.collect_due() >= 0
        del keep
    finally:
        collector.stop()
