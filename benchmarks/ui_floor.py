"""The floor of a desktop start-up: what any PySide6 + SQLAlchemy app pays before its
first window, whatever it does. Run by bench_ui_start.py next to the real app.

    FLOOR_DB_KEY=<hex> python benchmarks/ui_floor.py DATABASE_FILE

Imports PySide6's widgets, SQLAlchemy and SQLCipher, opens the encrypted database file
the way the app does (a SQLCipher connection keyed with the raw 256-bit key, through
SQLAlchemy's pysqlite dialect), counts the visits, shows an empty main window and,
after its first paint, prints its peak memory and `ready <visits> <perf_counter>`, then
quits. The floor is given the key: it does not pay for the keyring lookup the app makes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
from sqlalchemy import create_engine, text


def peak_rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class FirstPaint(QObject):
    def __init__(self, app: QApplication, visits: int) -> None:
        super().__init__()
        self.app = app
        self.visits = visits
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            painted = time.perf_counter()
            print(f"peak {peak_rss_kb()}", flush=True)
            times = os.times()  # CPU seconds so far, all threads (as the app's child)
            print(f"cpu {times.user + times.system:.6f}", flush=True)
            print(f"ready {self.visits} {painted:.6f}", flush=True)
            QTimer.singleShot(0, self.app.quit)
        return False


def main(argv: list[str]) -> int:
    app = QApplication(argv[:1])
    key = os.environ["FLOOR_DB_KEY"]

    def connect() -> sqlcipher.Connection:
        connection = sqlcipher.connect(argv[1], check_same_thread=False)
        connection.execute(f"PRAGMA key = \"x'{key}'\"")
        connection.execute("PRAGMA cipher_hmac_algorithm = HMAC_SHA256")  # as the app
        return connection

    engine = create_engine(f"sqlite:///{argv[1]}", module=sqlcipher, creator=connect)
    with engine.connect() as connection:
        visits = int(connection.execute(text("SELECT count(*) FROM visits")).scalar_one())
    window = QMainWindow()
    window.setWindowTitle("floor")
    window.resize(1280, 820)
    watcher = FirstPaint(app, visits)
    window.installEventFilter(watcher)
    window.show()
    code = app.exec()
    engine.dispose()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
