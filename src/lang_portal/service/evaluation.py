"""How well FSRS predicts this learner: log loss, RMSE over srs-benchmark's bins and AUC of the
recall probability predicted just before each answer, beside a constant-average baseline."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lang_portal.models.analytics import CALIBRATION_BINS

# Predictions are scored in [EPSILON, 1 - EPSILON] so that one sure miss is not infinite.
EPSILON = 1e-6
AUC_BUCKETS = 10_000


def _log_bin(value: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(value) / math.log(base)), digits)


def rmse_bins_key(elapsed_days: int, i: int, lapses: int) -> tuple[float, float, float]:
    """srs-benchmark's RMSE bins: log-spaced by days elapsed, review number and lapses."""
    delta_bin = _log_bin(max(elapsed_days, 1e-6), 3.62, 2.48, 2)
    i_bin = _log_bin(i, 1.89, 1.99, 0)
    lapse_bin = _log_bin(lapses, 1.73, 1.65, 0) if lapses else 0.0
    return delta_bin, i_bin, lapse_bin


def log_loss(p: float, y: bool) -> float:
    p = min(max(p, EPSILON), 1 - EPSILON)
    return -math.log(p) if y else -math.log(1 - p)


def auc_bucket(p: float) -> int:
    return min(AUC_BUCKETS - 1, max(0, int(p * AUC_BUCKETS)))


@dataclass
class BinTotals:
    n: int = 0
    sum_p: float = 0.0
    sum_y: int = 0
    sum_log_loss: float = 0.0


@dataclass
class Evaluation:
    """Log loss, RMSE(bins) and AUC of predictions, beside a constant-average baseline.

    Kept as sums per bin and a histogram of predictions, so the figures come from the
    summary tables on a request and from an in-memory replay in `lang-portal srs evaluate`.
    """

    bins: dict[tuple[float, float, float], BinTotals] = field(default_factory=dict)
    histogram: dict[int, list[int]] = field(default_factory=dict)

    def add(self, p: float, y: bool, elapsed_days: int, i: int, lapses: int) -> None:
        totals = self.bins.setdefault(rmse_bins_key(elapsed_days, i, lapses), BinTotals())
        totals.n += 1
        totals.sum_p += p
        totals.sum_y += int(y)
        totals.sum_log_loss += log_loss(p, y)
        self.histogram.setdefault(auc_bucket(p), [0, 0])[0 if y else 1] += 1

    @classmethod
    def from_rows(cls, bins: Iterable[sqlite3.Row], histogram: Iterable[sqlite3.Row]) -> Evaluation:
        evaluation = cls()
        for row in bins:
            evaluation.bins[(row["delta_bin"], row["i_bin"], row["lapse_bin"])] = BinTotals(
                row["n"], row["sum_p"], row["sum_y"], row["sum_log_loss"]
            )
        for row in histogram:
            evaluation.histogram[row["bucket"]] = [row["positives"], row["negatives"]]
        return evaluation

    def report(self) -> dict[str, Any]:
        n = sum(b.n for b in self.bins.values())
        if n == 0:
            return {
                "reviews_scored": 0,
                "average_recall": None,
                "fsrs": None,
                "baseline": None,
                "calibration": [],
            }
        recalled = sum(b.sum_y for b in self.bins.values())
        mean_y = recalled / n
        fsrs_rmse = math.sqrt(
            sum(b.n * (b.sum_y / b.n - b.sum_p / b.n) ** 2 for b in self.bins.values()) / n
        )
        base_rmse = math.sqrt(
            sum(b.n * (b.sum_y / b.n - mean_y) ** 2 for b in self.bins.values()) / n
        )
        base_loss = mean_y * log_loss(mean_y, True) + (1 - mean_y) * log_loss(mean_y, False)
        return {
            "reviews_scored": n,
            "average_recall": round(mean_y, 6),
            "bins": len(self.bins),
            "fsrs": {
                "log_loss": round(sum(b.sum_log_loss for b in self.bins.values()) / n, 6),
                "rmse_bins": round(fsrs_rmse, 6),
                "auc": _round(self._auc()),
            },
            "baseline": {
                "log_loss": round(base_loss, 6),
                "rmse_bins": round(base_rmse, 6),
                # a constant ranks no answer above another
                "auc": 0.5 if 0 < recalled < n else None,
            },
            "calibration": self.calibration(),
        }

    def calibration(self) -> list[dict[str, Any]]:
        """Predicted against actual recall per range of predictions (a reliability diagram).

        Read from the AUC histogram: a prediction is known to 1/AUC_BUCKETS, so its bucket's
        midpoint stands for it in the range's mean prediction.
        """
        per_bin = AUC_BUCKETS // CALIBRATION_BINS
        totals: dict[int, list[float]] = {}
        for bucket, (recalled, forgotten) in self.histogram.items():
            count = recalled + forgotten
            if count == 0:
                continue
            entry = totals.setdefault(min(bucket // per_bin, CALIBRATION_BINS - 1), [0, 0.0, 0])
            entry[0] += count
            entry[1] += count * (bucket + 0.5) / AUC_BUCKETS
            entry[2] += recalled
        return [
            {
                "predicted_from": index / CALIBRATION_BINS,
                "predicted_to": (index + 1) / CALIBRATION_BINS,
                "reviews": int(count),
                "predicted": round(sum_p / count, 4),
                "actual": round(recalled / count, 4),
            }
            for index, (count, sum_p, recalled) in sorted(totals.items())
        ]

    def _auc(self) -> float | None:
        positives = sum(counts[0] for counts in self.histogram.values())
        negatives = sum(counts[1] for counts in self.histogram.values())
        if positives == 0 or negatives == 0:
            return None
        wins = 0.0
        negatives_below = 0
        for bucket in sorted(self.histogram):
            pos, neg = self.histogram[bucket]
            wins += pos * (negatives_below + 0.5 * neg)  # ties within a bucket count half
            negatives_below += neg
        return wins / (positives * negatives)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
