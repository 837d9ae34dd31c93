"""Builds every service once, around one database, one clock and one settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lang_portal.service.admin import AdminService
from lang_portal.service.analytics import AnalyticsService
from lang_portal.service.context import ServiceContext
from lang_portal.service.dashboard import DashboardService
from lang_portal.service.inventory import InventoryService
from lang_portal.service.seeding import SeedService
from lang_portal.service.srs import SrsService
from lang_portal.service.study import StudyService
from lang_portal.service.transfer import TransferService


@dataclass
class Services:
    context: ServiceContext
    inventory: InventoryService
    study: StudyService
    dashboard: DashboardService
    admin: AdminService
    seeding: SeedService
    srs: SrsService
    analytics: AnalyticsService
    transfer: TransferService

    @classmethod
    def build(cls, context: ServiceContext, seeds_dir: Path) -> Services:
        study = StudyService(context)
        admin = AdminService(context, seeds_dir)
        srs = SrsService(context, study)
        # the scheduling state and the learning summaries commit with each answer and are
        # cleared with the history
        study.review_hooks.append(srs.on_review)
        admin.history_reset_hooks.append(srs.on_history_reset)
        return cls(
            context=context,
            inventory=InventoryService(context),
            study=study,
            dashboard=DashboardService(context),
            admin=admin,
            seeding=SeedService(context),
            srs=srs,
            analytics=AnalyticsService(context, srs),
            transfer=TransferService(context, srs),
        )
