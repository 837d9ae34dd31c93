"""Keeps the day-by-day summaries counted in the configured time zone."""

from __future__ import annotations

from lang_portal.repository import sessions as session_repo
from lang_portal.service.answers import AnswerPipeline
from lang_portal.service.context import ServiceContext

STATS_ZONE_KEY = "stats_timezone"


def ensure_daily_stats_zone(context: ServiceContext, answers: AnswerPipeline) -> bool:
    """Rebuild what answers derived if days were counted in another zone. True when it rebuilt.

    Only when TIMEZONE changes: the rebuild reads the whole history.
    """
    zone_name = context.settings.timezone
    with context.db.write() as connection:
        if session_repo.get_meta(connection, STATS_ZONE_KEY) == zone_name:
            return False
        answers.rebuild(connection)
        session_repo.set_meta(connection, STATS_ZONE_KEY, zone_name)
    return True
