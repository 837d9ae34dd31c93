"""Time GET /tags' query before and after migration 0013, and what the kept figures cost an
answer, in one run.

A scratch database (migrated with the project's migrations) gets N words, each with two or
three of 30 tags, FSRS cards for 70 % of them and answers counted on their rows, filled
directly with sqlite3 so that the triggers keep the tag figures as the service would. Then:

* read: the aggregate over every tag's words (what GET /tags ran before 0013, kept as
  `tag_repo.tag_stats_recount`) against the page of stored figures (`tag_repo.tag_stats`),
  each the mean of several runs, and their ratio;
* the words list: a page of 100 words (its query and its tags) without and with the
  difficulty of each word (one more query by key for the page);
* write: an answer's updates of its word's counters and card, with the 0013 triggers and with
  them dropped, each the mean over a few hundred words, rolled back; and every word's counters
  reset at once (a history reset's largest statement), with and without them.

One process, no server: figures of the queries alone.

    .venv/bin/python bench/tags.py --words 100000
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

from lang_portal.models.common import PageRequest
from lang_portal.repository import tags as tag_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.word_items import difficulties

STAMP = "2026-01-01T00:00:00.000000Z"
TAGS = 30
# the 0013 triggers an answer fires (the word's counters, its card's difficulty)
ANSWER_TRIGGERS = ("trg_word_tags_word_figures", "trg_word_tags_card_update")


def build(path: Path, words: int, rng: random.Random) -> sqlite3.Connection:
    connection = migrated_scratch(path)
    connection.executemany(
        "INSERT INTO words (id, japanese, romaji, english, correct_count, wrong_count,"
        " last_reviewed_at, created_at, updated_at) VALUES (?, ?, 'r', ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                f"語{i}",
                f"word {i}",
                rng.randint(0, 20),
                rng.randint(0, 5),
                f"2026-01-{rng.randint(1, 28):02d}T09:00:00.000000Z",
                STAMP,
                STAMP,
            )
            for i in range(1, words + 1)
        ],
    )
    connection.executemany(
        "INSERT INTO tags (id, name, created_at) VALUES (?, ?, ?)",
        [(t, f"tag {t}", STAMP) for t in range(1, TAGS + 1)],
    )
    connection.executemany(
        "INSERT INTO word_tags (word_id, tag_id, source, created_at) VALUES (?, ?, 'manual', ?)",
        [
            (i, t, STAMP)
            for i in range(1, words + 1)
            for t in rng.sample(range(1, TAGS + 1), rng.choice((2, 3)))
        ],
    )
    connection.executemany(
        "INSERT INTO srs_cards (word_id, state, stability, difficulty, due, last_review,"
        " first_review) VALUES (?, 2, 3.0, ?, ?, ?, ?)",
        [
            (i, rng.uniform(1, 10), STAMP, STAMP, STAMP)
            for i in range(1, words + 1)
            if rng.random() < 0.7
        ],
    )
    connection.commit()
    connection.execute("PRAGMA analysis_limit = 1000")
    connection.execute("ANALYZE")
    connection.commit()
    return connection


def mean_ms(call: Callable[[], object], runs: int) -> float:
    call()  # warm the page cache
    start = time.perf_counter()
    for _ in range(runs):
        call()
    return (time.perf_counter() - start) * 1000 / runs


def answers_ms(connection: sqlite3.Connection, word_ids: list[int]) -> float:
    """An answer's two updates (the word's counters, its card) per word, rolled back."""
    start = time.perf_counter()
    for word_id in word_ids:
        connection.execute(
            "UPDATE words SET correct_count = correct_count + 1,"
            " last_reviewed_at = '2026-02-01T09:00:00.000000Z' WHERE id = ?",
            (word_id,),
        )
        connection.execute(
            "UPDATE srs_cards SET difficulty = difficulty * 0.99 WHERE word_id = ?", (word_id,)
        )
    elapsed = (time.perf_counter() - start) * 1000 / len(word_ids)
    connection.rollback()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        connection = build(Path(scratch) / "tags.db", args.words, rng)
        page = PageRequest(page=1, per_page=100, sort_by="usage_count", order="desc")
        stored = {row["name"]: tuple(row) for row in tag_repo.tag_stats(connection, page)}
        fresh = {row["name"]: tuple(row) for row in tag_repo.tag_stats_recount(connection)}
        assert set(stored) == set(fresh) and all(
            stored[name][1:4] == fresh[name][1:4] for name in stored
        ), "the kept figures differ from the aggregate"
        before = mean_ms(lambda: tag_repo.tag_stats_recount(connection), args.runs)
        after = mean_ms(lambda: tag_repo.tag_stats(connection, page), args.runs * 20)
        print(f"{args.words} words, {TAGS} tags")
        print(f"GET /tags query, aggregate (before 0013): {before:9.2f} ms")
        print(f"GET /tags query, stored figures (0013):   {after:9.3f} ms")
        print(f"read ratio before/after:                  {before / after:9.0f}x")

        words_page = PageRequest(page=50, per_page=100, sort_by="japanese", order="asc")

        def page_without() -> list[int]:
            ids = [row["id"] for row in word_repo.list_words(connection, words_page)]
            tag_repo.tags_of_words(connection, ids)
            return ids

        plain = mean_ms(page_without, args.runs * 20)
        scored = mean_ms(lambda: difficulties(connection, page_without()), args.runs * 20)
        print(f"a words page of 100, without difficulty:   {plain:9.3f} ms")
        print(f"a words page of 100, with difficulty:      {scored:9.3f} ms")
        print(f"page ratio with/without:                   {scored / plain:9.2f}x")

        word_ids = rng.sample(range(1, args.words + 1), args.answers)
        with_triggers = answers_ms(connection, word_ids)
        connection.execute("BEGIN")
        for name in ANSWER_TRIGGERS:
            connection.execute(f"DROP TRIGGER {name}")
        without = answers_ms(connection, word_ids)  # rolled back: the triggers come back
        print(f"an answer's word + card updates, 0013 triggers: {with_triggers:7.3f} ms")
        print(f"an answer's word + card updates, without them: {without:7.3f} ms")
        print(f"write ratio with/without:                      {with_triggers / without:7.2f}x")

        reset = "UPDATE words SET correct_count = 0, wrong_count = 0, last_reviewed_at = NULL"
        start = time.perf_counter()
        connection.execute(reset)  # what a history reset does to every word's counters
        reset_with = time.perf_counter() - start
        connection.rollback()
        connection.execute("BEGIN")
        for name in ANSWER_TRIGGERS:
            connection.execute(f"DROP TRIGGER {name}")
        start = time.perf_counter()
        connection.execute(reset)
        reset_without = time.perf_counter() - start
        connection.rollback()
        print(f"every word's counters reset, 0013 triggers: {reset_with:7.2f} s")
        print(f"every word's counters reset, without them: {reset_without:7.2f} s")
        connection.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
