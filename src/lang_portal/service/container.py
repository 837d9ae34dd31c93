"""Builds every service once, around one database, one clock and one settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lang_portal.service.admin import AdminService
from lang_portal.service.analytics import AnalyticsService
from lang_portal.service.answers import AnswerPipeline
from lang_portal.service.context import ServiceContext
from lang_portal.service.dashboard import DashboardService
from lang_portal.service.inventory import InventoryService
from lang_portal.service.optimizer import SrsOptimizer
from lang_portal.service.seeding import SeedService
from lang_portal.service.srs import SrsService
from lang_portal.service.study import StudyService
from lang_portal.service.tagging import TagService
from lang_portal.service.transfer import TransferService


@dataclass
class Services:
    context: ServiceContext
    answers: AnswerPipeline
    inventory: InventoryService
    study: StudyService
    dashboard: DashboardService
    admin: AdminService
    seeding: SeedService
    srs: SrsService
    analytics: AnalyticsService
    transfer: TransferService
    optimizer: SrsOptimizer
    tags: TagService

    @classmethod
    def build(cls, context: ServiceContext, seeds_dir: Path) -> Services:
        answers = AnswerPipeline(context)
        srs = SrsService(context, answers)
        optimizer = SrsOptimizer(context, answers)
        return cls(
            context=context,
            answers=answers,
            inventory=InventoryService(context),
            study=StudyService(context, answers, optimizer),
            dashboard=DashboardService(context),
            admin=AdminService(context, seeds_dir, answers),
            seeding=SeedService(context),
            srs=srs,
            analytics=AnalyticsService(context, srs),
            transfer=TransferService(context, answers),
            optimizer=optimizer,
            tags=TagService(context),
        )
