"""Reliability figures measured by the tests, written where `docs/reliability.md` says.

Set RELIABILITY_FIGURES=path.json to collect them; without it nothing is written.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

_lock = threading.Lock()


def record_figure(name: str, values: dict[str, Any]) -> None:
    target = os.environ.get("RELIABILITY_FIGURES")
    if not target:
        return
    path = Path(target)
    with _lock:
        current = json.loads(path.read_text()) if path.exists() else {}
        current[name] = values
        path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
