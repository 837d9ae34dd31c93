"""What every service needs: the database, the settings and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lang_portal.clock import Clock, to_api, to_stored
from lang_portal.database import Database
from lang_portal.models.common import PageRequest, Pagination
from lang_portal.settings import Settings


@dataclass
class ServiceContext:
    db: Database
    settings: Settings
    clock: Clock

    def now(self) -> datetime:
        return self.clock.now()

    def now_stored(self) -> str:
        return to_stored(self.clock.now())

    def api_time(self, stored: str | None) -> str | None:
        return to_api(stored, self.settings.zone)

    def api_datetime(self, moment: datetime | None) -> str | None:
        return None if moment is None else to_api(to_stored(moment), self.settings.zone)

    def local_day(self, moment: datetime) -> str:
        return moment.astimezone(self.settings.zone).date().isoformat()


def pagination_for(page: PageRequest, total: int) -> Pagination:
    return Pagination(current_page=page.page, total_items=total, items_per_page=page.per_page)
