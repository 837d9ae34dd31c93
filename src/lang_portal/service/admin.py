"""Resets: the study history alone, or everything back to the seeded state."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lang_portal.i18n import DEFAULT_LANGUAGE, translate
from lang_portal.models.common import SuccessMessage
from lang_portal.repository import admin as admin_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.service.answers import AnswerPipeline
from lang_portal.service.context import ServiceContext
from lang_portal.service.seeding import SeedReport, SeedService, load_seeds


class AdminService:
    def __init__(self, context: ServiceContext, seeds_dir: Path, answers: AnswerPipeline) -> None:
        self.context = context
        self.seeds_dir = seeds_dir
        self.answers = answers

    def reset_history(self, language: str = DEFAULT_LANGUAGE) -> SuccessMessage:
        """`language`: the message's (lang_portal.i18n)."""
        with self.context.db.write() as connection:
            self._clear_history(connection)
        return SuccessMessage(success=True, message=translate("admin.history_reset", language))

    def full_reset(self, language: str = DEFAULT_LANGUAGE) -> SuccessMessage:
        # Load and check the seeds first: a bad seed file must not leave an emptied database.
        manifest, groups = load_seeds(self.seeds_dir)
        report = SeedReport(files=len(groups))
        with self.context.db.write() as connection:
            self._clear_history(connection)
            admin_repo.delete_everything(connection)
            SeedService(self.context).apply(connection, manifest, groups, report)
        return SuccessMessage(success=True, message=translate("admin.full_reset", language))

    def _clear_history(self, connection: sqlite3.Connection) -> None:
        session_repo.delete_history(connection)
        self.answers.clear(connection)
