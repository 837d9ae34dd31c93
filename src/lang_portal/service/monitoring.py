"""Figures the metrics endpoint reads from the database when scraped."""

from __future__ import annotations

from datetime import timedelta

from lang_portal.clock import to_stored
from lang_portal.repository import ops as ops_repo
from lang_portal.service.context import ServiceContext


def active_sessions(context: ServiceContext) -> int:
    """Study sessions not yet expired: some activity within SESSION_TIMEOUT_MINUTES."""
    cutoff = context.now() - timedelta(minutes=context.settings.session_timeout_minutes)
    with context.db.read() as connection:
        return ops_repo.count_active_sessions(connection, to_stored(cutoff))
