"""The dynamic difficulty adjustment keeps a simulated learner's success rate inside
[0.60, 0.85] (tests/adaptive_learner.py: the real queue and the real answer pipeline), for a
strong and a weak learner, where the queue without it (new words in the inventory's order) does
not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adaptive_learner import BAND, simulate

ANSWERS = 700
# the rolling success rate is taken over this many answers
ROLLING = 100
# the adjustment has had this many answers to bring the rate inside
SETTLED = 300


@pytest.mark.parametrize("ability", [0.6, 0.25], ids=["strong", "weak"])
def test_the_adjustment_brings_the_success_rate_into_the_band_and_keeps_it(
    tmp_path: Path, ability: float
) -> None:
    adjusted = simulate(tmp_path, ability=ability, answers=ANSWERS)
    fixed = simulate(tmp_path, ability=ability, answers=ANSWERS, adjust=False)

    entered = adjusted.answers_until_inside(ROLLING)
    assert entered is not None and entered <= SETTLED
    assert adjusted.share_inside(ROLLING, after=SETTLED) >= 0.7
    assert BAND[0] <= adjusted.success_rate(after=SETTLED) <= BAND[1]

    # the same learner on the queue without the adjustment stays out of the band
    assert fixed.share_inside(ROLLING, after=SETTLED) <= 0.2
    outside = fixed.success_rate(after=SETTLED)
    assert outside > BAND[1] if ability > 0.5 else outside < BAND[0]
