"""Time the learning path's queries on a large inventory: the levels' figures, the new words of
the review queue in path order, the count of learned words.

A scratch database (migrated with the project's migrations) gets N words in two levels of 100
groups each and FSRS cards for 80 % of them, filled directly with sqlite3 so that the triggers
of migration 0010 keep the path's figures as the service would; each query is then run five
times and its mean printed. One process, no server: a figure of the query alone.

    python bench/learning_path.py --words 100000
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scratch import migrated_scratch

from lang_portal.repository import levels as level_repo
from lang_portal.repository import srs as srs_repo

STAMP = "2026-01-01T00:00:00.000000Z"


def build(path: Path, words: int, rng: random.Random) -> sqlite3.Connection:
    connection = migrated_scratch(path)
    connection.executemany(
        "INSERT INTO groups (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(g, f"group {g}", STAMP, STAMP) for g in range(1, 201)],
    )
    connection.executemany(
        "INSERT INTO levels (id, name, title, position, min_success_rate, min_word_count,"
        " created_at) VALUES (?, ?, ?, ?, 0.8, 100, ?)",
        [(level, f"L{level}", f"Level {level}", level, STAMP) for level in (1, 2)],
    )
    connection.executemany(
        "INSERT INTO level_groups (group_id, level_id, position) VALUES (?, ?, ?)",
        [(g, 1 if g <= 100 else 2, (g - 1) % 100 + 1) for g in range(1, 201)],
    )
    connection.executemany(
        "INSERT INTO words (id, japanese, romaji, english, correct_count, wrong_count,"
        " created_at, updated_at) VALUES (?, ?, 'r', ?, ?, ?, ?, ?)",
        [
            (i, f"語{i}", f"word {i}", rng.randint(0, 20), rng.randint(0, 5), STAMP, STAMP)
            for i in range(1, words + 1)
        ],
    )
    per_group = max(1, words // 200)
    connection.executemany(
        "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (?, ?, ?)",
        [(i, min(200, (i - 1) // per_group + 1), STAMP) for i in range(1, words + 1)],
    )
    connection.executemany(
        "INSERT INTO srs_cards (word_id, state, stability, difficulty, due, last_review,"
        " first_review) VALUES (?, ?, 5.0, 5.0, ?, ?, ?)",
        [(i, rng.choice((1, 2, 3)), STAMP, STAMP, STAMP) for i in range(1, words * 4 // 5 + 1)],
    )
    connection.commit()
    connection.execute("ANALYZE")
    return connection


def mean_ms(call: Callable[[], object], runs: int = 5) -> float:
    call()
    start = time.perf_counter()
    for _ in range(runs):
        call()
    return (time.perf_counter() - start) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        connection = build(Path(scratch) / "path.db", args.words, random.Random(7))
        queries: dict[str, Callable[[], object]] = {
            "levels with their figures": lambda: level_repo.list_levels(connection),
            "learned words (all cards)": lambda: level_repo.learned_words(connection),
            "20 new words, level 1 first": lambda: srs_repo.new_words(
                connection, 20, None, first_level=1
            ),
            "20 new words, level 2 first": lambda: srs_repo.new_words(
                connection, 20, None, first_level=2
            ),
            "20 new words of a group": lambda: srs_repo.new_words(
                connection, 20, 150, first_level=2
            ),
        }
        for name, call in queries.items():
            print(f"{name}: {mean_ms(call):.1f} ms")
        connection.close()


if __name__ == "__main__":
    main()
