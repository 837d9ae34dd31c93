"""Resets: the study history alone, or everything back to the seeded state."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from lang_portal.models.common import SuccessMessage
from lang_portal.repository import admin as admin_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext
from lang_portal.service.seeding import SeedReport, SeedService, load_seeds

# Run inside the reset's transaction, for state derived from the history (spaced repetition).
ResetHook = Callable[[sqlite3.Connection], None]


class AdminService:
    def __init__(self, context: ServiceContext, seeds_dir: Path) -> None:
        self.context = context
        self.seeds_dir = seeds_dir
        self.history_reset_hooks: list[ResetHook] = []

    def reset_history(self) -> SuccessMessage:
        with self.context.db.write() as connection:
            self._clear_history(connection)
        return SuccessMessage(success=True, message="Study history has been reset")

    def full_reset(self) -> SuccessMessage:
        # Load and check the seeds first: a bad seed file must not leave an emptied database.
        manifest, groups = load_seeds(self.seeds_dir)
        report = SeedReport(files=len(groups))
        with self.context.db.write() as connection:
            self._clear_history(connection)
            admin_repo.delete_everything(connection)
            SeedService(self.context).apply(connection, manifest, groups, report)
        return SuccessMessage(success=True, message="System has been fully reset")

    def _clear_history(self, connection: sqlite3.Connection) -> None:
        session_repo.delete_history(connection)
        word_repo.reset_counters(connection)
        for hook in self.history_reset_hooks:
            hook(connection)
