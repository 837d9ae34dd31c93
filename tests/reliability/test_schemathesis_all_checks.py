"""schemathesis's own run, every check and phase, against a live `lang-portal serve`.

The document and the server agree in both directions: no schema-valid request refused (beyond
the rules an operation lists, see schemathesis.toml), no schema-violating one accepted, every
method a path lacks answered 405 with an `Allow` naming the methods it has, no 5xx, every body
as documented. Bounded for CI by FUZZ_EXAMPLES (default 5 per operation) and SCHEMATHESIS_PHASES
(default: every phase but the stateful one, which walks every chain of linked operations and
takes minutes even at 5 examples); `make fuzz` runs every phase with more examples.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lang_portal.clock import SystemClock
from lang_portal.settings import PROJECT_ROOT, SEEDS_DIR, load_settings
from tests.helpers import migrated_services
from tests.reliability.figures import record_figure
from tests.reliability.server import running_server

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
PHASES = os.environ.get("SCHEMATHESIS_PHASES", "examples,coverage,fuzzing")
SCHEMATHESIS = Path(sys.executable).parent / "st"


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis's CLI is not installed")
def test_schemathesis_with_every_check_finds_no_failure(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"
    services = migrated_services(
        load_settings(database_path=database, timezone="UTC"), SystemClock(), SEEDS_DIR
    )
    services.context.db.close()
    with running_server(database, workers=1) as server:
        result = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{server.base_url}/openapi.json",
                "--checks",
                "all",
                "--phases",
                PHASES,
                "-n",
                str(EXAMPLES),
                "--seed",
                "1",
                "--no-color",
            ],
            cwd=PROJECT_ROOT,  # where schemathesis.toml is
            env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.reliability.schemathesis_hooks"},
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    record_figure(
        "schemathesis", {"examples": EXAMPLES, "phases": PHASES, "summary": summary.strip("= ")}
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]
    assert "failure" not in summary, summary
    selected = re.search(r"Selected: (\d+)/(\d+)", result.stdout)
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert selected and tested, result.stdout[-3000:]
    # every operation of the document was sent, none filtered out
    assert selected[1] == selected[2] == tested[1], (selected[0], tested[0])
