"""Python's cyclic garbage collector, run on the UI thread only.

The collector runs in whichever thread happens to allocate when a generation's
threshold is crossed. In the app that can be the database worker or a sync round: if
the garbage then holds a Qt wrapper (a dialog closed a moment ago, a model kept in a
reference cycle), its C++ object is destroyed off the thread that owns it, and Qt
crashes (seen as a segmentation fault during a sync round). Anki meets the same
problem the same way: automatic collection is switched off and the UI thread collects
on a timer, looking at the same counters the automatic collector uses.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Switches automatic collection off and collects on the UI thread instead."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose counter passed its threshold; -1 if none."""
        counts = gc.get_count()
        generation = -1
        for gen in range(len(counts)):
            if self._thresholds[gen] and counts[gen] >= self._thresholds[gen]:
                generation = gen
        if generation >= 0:
            gc.collect(generation)
        return generation

    def stop(self) -> None:
        """Collect once more on this thread and give automatic collection back."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
