"""Build a deterministic benchmark database: words, groups, sessions and a long review history.

The file is migrated with the project's own migrations, then filled directly with sqlite3 in
one transaction (journal and fsync off: it is a scratch file, rebuilt at will). Every table that
the review write keeps in step with the history is filled from the same generated reviews, so
the database is one the service could have produced itself:

* words.correct_count / wrong_count / last_reviewed_at,
* study_sessions.ended_at / review_items_count / correct_count,
* study_session_words (per session, per word counts),
* daily_stats counted in the zone recorded in app_meta.stats_timezone,
* derived learning state of other features, through `DERIVED_STATE_BUILDERS` (see below).

Deterministic: the same --seed and --end-date give the same file, row for row. The history ends
on --end-date (default: today, UTC) so that the learner's streak is as long as the history, the
costliest case for the dashboard.

    python bench/build_dataset.py --reviews 1000000 --out bench/data/heavy.db
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lang_portal.clock import FixedClock  # noqa: E402
from lang_portal.database import Database  # noqa: E402
from lang_portal.repository import migrations  # noqa: E402
from lang_portal.settings import MIGRATIONS_DIR, Settings, load_settings  # noqa: E402

STORED = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_WORDS_PER_SESSION = 50  # the contract's default business rule

KANA = [
    ("あ", "a"), ("い", "i"), ("う", "u"), ("え", "e"), ("お", "o"),
    ("か", "ka"), ("き", "ki"), ("く", "ku"), ("け", "ke"), ("こ", "ko"),
    ("さ", "sa"), ("し", "shi"), ("す", "su"), ("せ", "se"), ("そ", "so"),
    ("た", "ta"), ("ち", "chi"), ("つ", "tsu"), ("て", "te"), ("と", "to"),
    ("な", "na"), ("に", "ni"), ("ぬ", "nu"), ("ね", "ne"), ("の", "no"),
    ("は", "ha"), ("ひ", "hi"), ("ふ", "fu"), ("へ", "he"), ("ほ", "ho"),
    ("ま", "ma"), ("み", "mi"), ("む", "mu"), ("め", "me"), ("も", "mo"),
    ("や", "ya"), ("ゆ", "yu"), ("よ", "yo"), ("ら", "ra"), ("り", "ri"),
    ("る", "ru"), ("れ", "re"), ("ろ", "ro"), ("わ", "wa"), ("ん", "n"),
]  # fmt: skip
GLOSSES = [
    "to eat", "to drink", "to see", "to go", "river", "mountain", "book", "school", "teacher",
    "friend", "morning", "evening", "red", "blue", "quick", "slow", "train", "station", "rain",
    "to write", "to read", "to buy", "house", "door", "window", "cat", "dog", "bird", "sea",
]  # fmt: skip
ACTIVITIES = [
    ("Typing Tutor", "http://localhost:8081", "Type the romaji for each word of a group."),
    ("Flashcards", "http://localhost:8082", "Review a group's words as flashcards."),
    ("Listening Quiz", "http://localhost:8083", "Pick the word you hear."),
]


@dataclass
class Review:
    word_id: int
    session_id: int
    correct: int
    duration_ms: int
    created_at: str


@dataclass
class Built:
    words: int
    groups: int
    sessions: int
    reviews: int
    seconds: float
    extra: dict[str, int] = field(default_factory=dict)


# Other features keep state derived from the review history (the learning engine's FSRS cards
# and analytics, for one). Each builder here gets the open connection (sqlite3.Row rows), in
# the build's transaction, after the review rows and counters are written, and the settings of
# the database; it must leave its tables as the service's own review writes would have.
# Register with `DERIVED_STATE_BUILDERS.append(fn)`; it returns (what, rows) for the report.
DerivedStateBuilder = Callable[[sqlite3.Connection, Settings], tuple[str, int] | None]
DERIVED_STATE_BUILDERS: list[DerivedStateBuilder] = []


def _stored(moment: datetime) -> str:
    return moment.strftime(STORED)


def build(
    out: Path,
    *,
    reviews: int,
    sessions: int | None = None,
    words: int = 8000,
    groups: int = 60,
    days: int = 730,
    seed: int = 7,
    end_date: date | None = None,
    timezone: str = "UTC",
    derived: bool = True,
) -> Built:
    started = time.perf_counter()
    rng = random.Random(seed)
    zone = ZoneInfo(timezone)
    end = end_date or datetime.now(UTC).date()
    # Sessions average 50 reviews, as in the heavy case (1,000,000 over 20,000).
    session_count = sessions if sessions is not None else max(1, reviews // 50)
    history_start = datetime(end.year, end.month, end.day, tzinfo=UTC) - timedelta(days=days - 1)
    created = _stored(history_start)

    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    db = Database(out)
    migrations.apply(db, MIGRATIONS_DIR, FixedClock(history_start))
    db.close()

    connection = sqlite3.connect(out, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA foreign_keys = OFF")  # ids are generated consistent
    connection.execute("PRAGMA cache_size = -200000")
    connection.execute("BEGIN")

    # -- inventory ------------------------------------------------------------------------------
    word_rows = []
    for word_id in range(1, words + 1):
        syllables = [rng.choice(KANA) for _ in range(rng.randint(2, 5))]
        japanese = "".join(kana for kana, _ in syllables)
        romaji = "".join(roman for _, roman in syllables)
        english = f"{rng.choice(GLOSSES)} ({word_id})"
        parts = json.dumps(
            [{"text": k, "reading": k, "romaji": r} for k, r in syllables], ensure_ascii=False
        )
        word_rows.append((word_id, japanese, romaji, english, parts, created, created))
    connection.executemany(
        "INSERT INTO words (id, japanese, romaji, english, parts, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        word_rows,
    )
    connection.executemany(
        "INSERT INTO groups (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        [(g, f"Bench group {g:02d}", created, created) for g in range(1, groups + 1)],
    )
    members: dict[int, list[int]] = {g: [] for g in range(1, groups + 1)}
    for word_id in range(1, words + 1):
        members[(word_id - 1) % groups + 1].append(word_id)
        if rng.random() < 0.5:
            other = rng.randint(1, groups)
            if word_id not in members[other]:
                members[other].append(word_id)
    connection.executemany(
        "INSERT INTO words_groups (word_id, group_id, created_at) VALUES (?, ?, ?)",
        [(w, g, created) for g, ids in members.items() for w in ids],
    )
    connection.executemany(
        "INSERT INTO study_activities (id, name, launch_url, description, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(i, name, url, text, created) for i, (name, url, text) in enumerate(ACTIVITIES, 1)],
    )

    # -- history --------------------------------------------------------------------------------
    # Each review goes to a random session, so sessions hold about reviews/sessions answers each;
    # a session draws at most 50 distinct words from its group, as the business rule allows.
    per_session = [0] * session_count
    for index in rng.choices(range(session_count), k=reviews):
        per_session[index] += 1
    span_seconds = days * 86400 - 3600
    starts = sorted(rng.randrange(span_seconds) for _ in range(session_count))
    difficulty = [0.55 + 0.4 * rng.random() for _ in range(words + 1)]

    word_correct = [0] * (words + 1)
    word_wrong = [0] * (words + 1)
    word_last: list[str | None] = [None] * (words + 1)
    session_rows: list[tuple[int, int, int, str, str | None, int, int]] = []
    review_rows: list[tuple[int, int, int, int, int, str]] = []
    session_word_rows: list[tuple[int, int, int, int]] = []
    daily: dict[str, list[int]] = {}
    utc = zone == ZoneInfo("UTC")
    review_id = 0
    for index in range(session_count):
        session_id = index + 1
        group_id = rng.randint(1, groups)
        pool = members[group_id]
        chosen = rng.sample(pool, min(MAX_WORDS_PER_SESSION, len(pool)))
        moment = history_start + timedelta(seconds=starts[index])
        session_created = _stored(moment)
        counts: dict[int, list[int]] = {}
        session_correct = 0
        last = None
        for _ in range(per_session[index]):
            moment += timedelta(seconds=rng.randint(3, 15), microseconds=rng.randrange(10**6))
            word_id = rng.choice(chosen)
            correct = 1 if rng.random() < difficulty[word_id] else 0
            duration = rng.randint(800, 9000)
            last = _stored(moment)
            review_id += 1
            review_rows.append((review_id, word_id, session_id, correct, duration, last))
            entry = counts.setdefault(word_id, [0, 0])
            entry[0 if correct else 1] += 1
            session_correct += correct
            if correct:
                word_correct[word_id] += 1
            else:
                word_wrong[word_id] += 1
            word_last[word_id] = last
            day = last[:10] if utc else moment.astimezone(zone).date().isoformat()
            stats = daily.setdefault(day, [0, 0, 0])
            stats[0] += 1
            stats[1] += correct
            stats[2] += duration
        activity_id = rng.randint(1, len(ACTIVITIES))
        session_rows.append(
            (session_id, group_id, activity_id, session_created, last,
             per_session[index], session_correct)
        )  # fmt: skip
        session_word_rows.extend((session_id, w, c, x) for w, (c, x) in counts.items())

    connection.executemany(
        "INSERT INTO study_sessions (id, group_id, study_activity_id, created_at, ended_at, "
        "review_items_count, correct_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
        session_rows,
    )
    connection.executemany(
        "UPDATE study_sessions SET registration = ? WHERE id = ?",
        [(str(uuid.UUID(int=rng.getrandbits(128), version=4)), row[0]) for row in session_rows],
    )
    connection.executemany(
        "INSERT INTO word_review_items (id, word_id, study_session_id, correct, duration_ms, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        review_rows,
    )
    connection.executemany(
        "INSERT INTO study_session_words (study_session_id, word_id, correct_count, wrong_count) "
        "VALUES (?, ?, ?, ?)",
        session_word_rows,
    )
    connection.executemany(
        "UPDATE words SET correct_count = ?, wrong_count = ?, last_reviewed_at = ? WHERE id = ?",
        [
            (word_correct[w], word_wrong[w], word_last[w], w)
            for w in range(1, words + 1)
            if word_last[w] is not None
        ],
    )
    connection.executemany(
        "INSERT INTO daily_stats (day, reviews, correct, duration_ms) VALUES (?, ?, ?, ?)",
        [(day, *values) for day, values in sorted(daily.items())],
    )
    connection.execute(
        "INSERT INTO app_meta (key, value) VALUES ('stats_timezone', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (timezone,),
    )
    extra: dict[str, int] = {}
    settings = load_settings(database_path=out, timezone=timezone)
    connection.row_factory = sqlite3.Row
    for builder in [_srs_state, *DERIVED_STATE_BUILDERS] if derived else []:
        result = builder(connection, settings)
        if result is not None:
            extra[result[0]] = result[1]
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()
    return Built(
        words=words,
        groups=groups,
        sessions=session_count,
        reviews=reviews,
        seconds=time.perf_counter() - started,
        extra=extra,
    )


def _srs_state(connection: sqlite3.Connection, settings: Settings) -> tuple[str, int] | None:
    """The learning engine's cards and analytics, replayed by the engine's own rebuild.

    Replaying is what an import does, so the state is exactly what the review writes would have
    left; it also recounts daily_stats and the word counters, the same figures as above. It is
    most of the heavy build's time (every review goes through the FSRS scheduler).
    """
    try:
        from lang_portal.app import build_services
    except ImportError:
        return None
    services = build_services(settings)
    answers = getattr(services, "answers", None)
    if answers is None:
        return None
    return "reviews replayed into srs_cards", int(answers.rebuild(connection))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="database file to (re)create")
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, help="default: reviews / 50")
    parser.add_argument("--words", type=int, default=8000)
    parser.add_argument("--groups", type=int, default=60)
    parser.add_argument("--days", type=int, default=730, help="length of the history")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end-date", type=date.fromisoformat, help="default: today (UTC)")
    parser.add_argument("--timezone", default="UTC", help="zone daily_stats are counted in")
    parser.add_argument(
        "--no-derived",
        action="store_true",
        help="skip the learning engine's replay (fast; its tables stay empty)",
    )
    args = parser.parse_args(argv)
    built = build(
        args.out,
        reviews=args.reviews,
        sessions=args.sessions,
        words=args.words,
        groups=args.groups,
        days=args.days,
        seed=args.seed,
        end_date=args.end_date,
        timezone=args.timezone,
        derived=not args.no_derived,
    )
    print(
        f"built {args.out}: {built.words} words, {built.groups} groups, {built.sessions} "
        f"sessions, {built.reviews} reviews {built.extra or ''} in {built.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
