"""The scratch database the query benchmarks (bench/tags.py, bench/learning_path.py) fill
directly with sqlite3: new, built by every migration in order, as the service's would be."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lang_portal.settings import MIGRATIONS_DIR


def migrated_scratch(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    for migration in sorted(MIGRATIONS_DIR.glob("*.sql")):
        connection.executescript(migration.read_text(encoding="utf-8"))
    return connection
