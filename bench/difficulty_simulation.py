"""Figures of the dynamic difficulty adjustment on simulated learners (tests/adaptive_learner.py):
the real review queue and answer pipeline, the full seed vocabulary, with the adjustment and
without it (new words in the inventory's order).

    python bench/difficulty_simulation.py [--answers 1200] [--seeds 3]

For each learner: answers until the success rate of the last 20 answers (the adjustment's own
window) is first inside [0.60, 0.85], the share of answers from the 300th on at which the rate of
the last 100 answers is inside, and the success rate from the 300th answer on; the mean over the
seeds, the worst seed in brackets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.adaptive_learner import simulate  # noqa: E402

ROLLING = 100
ENTERING = 20
SETTLED = 300
LEARNERS = {"strong (ability 0.6)": 0.6, "weak (ability 0.25)": 0.25}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1200)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print(
        "| learner | queue | answers until inside (last 20) | share inside from answer 300 "
        "| success rate from answer 300 |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as directory:
        for name, ability in LEARNERS.items():
            for adjust in (True, False):
                entered, shares, rates = [], [], []
                for seed in range(1, args.seeds + 1):
                    run = simulate(
                        Path(directory),
                        ability=ability,
                        answers=args.answers,
                        adjust=adjust,
                        seed=seed,
                    )
                    entered.append(run.answers_until_inside(ENTERING))
                    shares.append(run.share_inside(ROLLING, after=SETTLED))
                    rates.append(run.success_rate(after=SETTLED))
                reached = [count for count in entered if count is not None]
                until = (
                    f"{sum(reached) / len(reached):.0f} (worst {max(reached)})"
                    if len(reached) == len(entered)
                    else f"never in {len(entered) - len(reached)} of {len(entered)} runs"
                )
                print(
                    f"| {name} | {'adjusted' if adjust else 'inventory order'} | {until} | "
                    f"{sum(shares) / len(shares):.2f} (worst {min(shares):.2f}) | "
                    f"{sum(rates) / len(rates):.3f} |"
                )


if __name__ == "__main__":
    main()
