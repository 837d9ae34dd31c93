"""Figures for `lang-portal srs optimize` on synthetic learners who forget by half-life
regression, not by FSRS's curve (tests/synthetic_learner.py): the defaults, the fitted
parameters and the constant baseline on the held-out newer fifth of each history (log loss,
RMSE(bins), AUC), the fit's time and the command's peak memory, and the answer-time test.

    python bench/srs_fit.py    # a markdown table; JSON in bench/results/srs-fit-*.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from tests.synthetic_learner import sessions, write_history  # noqa: E402
from transfer import run_cli  # noqa: E402

from lang_portal.app import build_services  # noqa: E402
from lang_portal.clock import FixedClock  # noqa: E402
from lang_portal.repository import migrations  # noqa: E402
from lang_portal.settings import MIGRATIONS_DIR, load_settings  # noqa: E402

FIXTURE_SEEDS = ROOT / "tests" / "fixtures" / "seeds"
HISTORY_START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    name: str
    words: int
    days: int
    time_signal: float


SCENARIOS = [
    Scenario("22k answers, slow when forgetting", 300, 200, 3.0),
    Scenario("79k answers, slow when forgetting", 3000, 730, 3.0),
    Scenario("79k answers, answer time noise only", 3000, 730, 0.0),
]


def build(path: Path, scenario: Scenario) -> int:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    settings = load_settings(database_path=path, srs_optimize_every=0)
    clock = FixedClock(datetime.now(UTC))
    services = build_services(settings, clock, seeds_dir=FIXTURE_SEEDS)
    try:
        migrations.apply(services.context.db, MIGRATIONS_DIR, clock)
        services.seeding.seed(FIXTURE_SEEDS)
        history = sessions(
            scenario.words, scenario.days, HISTORY_START, time_signal=scenario.time_signal
        )
        with services.context.db.write() as connection:
            written = write_history(connection, 1, 1, history, scenario.words)
            services.answers.rebuild(connection)
        return written
    finally:
        services.context.db.close()


def measure(scenario: Scenario, work: Path) -> dict[str, Any]:
    path = work / f"srs-fit-{scenario.words}-{scenario.days}-{scenario.time_signal:g}.db"
    answers = build(path, scenario)
    baseline = run_cli(path, "migrate", "--status")
    optimize = run_cli(path, "srs", "optimize", "--json")
    outcome = json.loads(optimize.output)
    return {
        "scenario": scenario.name,
        "answers": answers,
        "outcome": outcome,
        "command_seconds": optimize.seconds,
        "peak_memory_mb": optimize.peak_memory_mb,
        "idle_command_peak_memory_mb": baseline.peak_memory_mb,
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| history | held-out answers scored | parameters | log loss | RMSE(bins) | AUC |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        outcome = result["outcome"]
        scored = outcome["split"]["held_out_reviews_scored"]
        for name in ("defaults", "fitted", "fitted_slow_as_hard", "constant"):
            scores = outcome["scores"].get(name)
            if scores is None:
                continue
            label = {"fitted_slow_as_hard": "fitted, slow right answers as hard"}.get(name, name)
            lines.append(
                f"| {result['scenario']} | {scored:,} | {label} | {scores['log_loss']:.4f} "
                f"| {scores['rmse_bins']:.4f} | {scores['auc']:.4f} |"
            )
    lines += [
        "",
        "| history | fit s (both fits) | scoring s (replays) | whole command s | peak memory MB "
        "(idle command) | kept | slow right as hard |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        outcome = result["outcome"]
        answer_time = outcome.get("answer_time") or {}
        lines.append(
            f"| {result['scenario']} | {outcome['fit_seconds']:.2f} | "
            f"{outcome['score_seconds']:.1f} | {result['command_seconds']:.1f} | "
            f"{result['peak_memory_mb']:.0f} ({result['idle_command_peak_memory_mb']:.0f}) | "
            f"{'yes' if outcome['kept'] else 'no'} | "
            f"{'adopted' if answer_time.get('adopted') else 'not adopted'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work-dir", type=Path, default=BENCH / "data")
    parser.add_argument("--results-dir", type=Path, default=BENCH / "results")
    parser.add_argument("--only", type=int, nargs="*", help="scenario numbers (from 0)")
    args = parser.parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    chosen = [s for i, s in enumerate(SCENARIOS) if args.only is None or i in args.only]
    results = [measure(scenario, args.work_dir) for scenario in chosen]
    report = table(results)
    print(report)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = args.results_dir / f"srs-fit-{stamp}.json"
    out.write_text(json.dumps({"results": results, "table_markdown": report}, indent=2))
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
