"""Builds every service once, around one database, one clock and one settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lang_portal.service.admin import AdminService
from lang_portal.service.context import ServiceContext
from lang_portal.service.dashboard import DashboardService
from lang_portal.service.inventory import InventoryService
from lang_portal.service.seeding import SeedService
from lang_portal.service.study import StudyService


@dataclass
class Services:
    context: ServiceContext
    inventory: InventoryService
    study: StudyService
    dashboard: DashboardService
    admin: AdminService
    seeding: SeedService

    @classmethod
    def build(cls, context: ServiceContext, seeds_dir: Path) -> Services:
        return cls(
            context=context,
            inventory=InventoryService(context),
            study=StudyService(context),
            dashboard=DashboardService(context),
            admin=AdminService(context, seeds_dir),
            seeding=SeedService(context),
        )
