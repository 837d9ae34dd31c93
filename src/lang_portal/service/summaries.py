"""Keeps the daily summary counted in the configured time zone."""

from __future__ import annotations

from collections import defaultdict

from lang_portal.clock import from_stored
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import srs as srs_repo
from lang_portal.service.context import ServiceContext

STATS_ZONE_KEY = "stats_timezone"


def ensure_daily_stats_zone(context: ServiceContext) -> bool:
    """Rebuild `daily_stats` if it was counted in another zone. True when it rebuilt.

    This is the one place that reads the whole history, and only when TIMEZONE changes.
    """
    zone_name = context.settings.timezone
    with context.db.write() as connection:
        if session_repo.get_meta(connection, STATS_ZONE_KEY) == zone_name:
            return False
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        words_by_day: dict[str, set[int]] = defaultdict(set)
        seen: set[int] = set()
        for review in session_repo.iter_reviews(connection):
            day = context.local_day(from_stored(review["created_at"]))
            entry = totals[day]
            entry[0] += 1
            entry[1] += review["correct"]
            entry[2] += review["duration_ms"] or 0
            words_by_day[day].add(review["word_id"])
            if review["word_id"] not in seen:
                seen.add(review["word_id"])
                entry[3] += 1
        session_repo.clear_daily_stats(connection)
        srs_repo.clear_daily_words(connection)
        for day, (reviews, correct, duration_ms, new_words) in totals.items():
            session_repo.insert_daily_stats(connection, day, reviews, correct, duration_ms)
            srs_repo.set_day_words(connection, day, words_by_day[day], new_words)
        session_repo.set_meta(connection, STATS_ZONE_KEY, zone_name)
    return True
