"""Shapes shared by every resource: pagination, envelopes and errors."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, Field

from lang_portal.i18n import TextError

T = TypeVar("T")

# SQLite's INTEGER is 64-bit: a larger id could never match a row, and would overflow the driver.
SQLITE_MAX_INTEGER = 2**63 - 1
SQLITE_MIN_INTEGER = -(2**63)
# An id in a request body: a row's id is positive.
RowId = Annotated[int, Field(ge=1, le=SQLITE_MAX_INTEGER)]
# Any integer a column can hold: what the legacy mount takes for an id, answering an id that no
# row can have (0, negative) with its 404 as it does an unknown one, and refusing only what
# SQLite could not even look up.
SqliteInteger = Annotated[int, Field(ge=SQLITE_MIN_INTEGER, le=SQLITE_MAX_INTEGER)]

_FULL_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _full_date(value: Any) -> Any:
    """RFC 3339's full-date, as the document's `format: date` says: no timestamp, no week date.

    Pydantic alone takes `0` as 1970-01-01 and `20240101` as a date.
    """
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        return date.fromisoformat(value)
    raise TextError("validation.full_date")


CalendarDate = Annotated[date, BeforeValidator(_full_date)]


@dataclass(frozen=True)
class Pagination:
    current_page: int
    total_items: int
    items_per_page: int

    @property
    def total_pages(self) -> int:
        return max(1, math.ceil(self.total_items / self.items_per_page))

    @property
    def offset(self) -> int:
        return (self.current_page - 1) * self.items_per_page

    def as_dict(self) -> dict[str, int]:
        return {
            "current_page": self.current_page,
            "total_pages": self.total_pages,
            "total_items": self.total_items,
            "items_per_page": self.items_per_page,
        }


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int
    sort_by: str
    order: Literal["asc", "desc"]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


# -- documented shapes (OpenAPI) ---------------------------------------------------------------


class PaginationModel(BaseModel):
    current_page: int = Field(examples=[1])
    total_pages: int = Field(examples=[5])
    total_items: int = Field(examples=[500])
    items_per_page: int = Field(examples=[100])


class Page(BaseModel, Generic[T]):
    """A list as the bare `/api` mount returns it."""

    items: list[T]
    pagination: PaginationModel


class Meta(BaseModel):
    timestamp: str = Field(examples=["2026-03-14T12:00:00Z"])
    version: str = Field(examples=["1.0"])
    request_id: str | None = Field(examples=["5f0c6a1e9d8b4c7e"])


class Envelope(BaseModel, Generic[T]):
    """A single resource under `/api/v1`."""

    status: Literal["success"]
    data: T
    meta: Meta


class ListEnvelope(BaseModel, Generic[T]):
    """A list under `/api/v1`: items in `data`, paging beside it."""

    status: Literal["success"]
    data: list[T]
    meta: Meta
    pagination: PaginationModel


class ErrorDetail(BaseModel):
    code: str = Field(examples=["RESOURCE_NOT_FOUND"])
    message: str = Field(examples=["word 42 was not found"])
    details: dict[str, Any] = Field(examples=[{"resource": "word", "id": 42}])


class ErrorEnvelope(BaseModel):
    """Every error under `/api/v1` (and for unknown URLs)."""

    status: Literal["error"]
    error: ErrorDetail
    meta: Meta


class BareError(BaseModel):
    """Every error under `/api`."""

    error: ErrorDetail


class LegacyError(BaseModel):
    """Every error on the legacy mount: the message alone."""

    error: str = Field(examples=["word 42 was not found"])


@dataclass
class SuccessMessage:
    success: Annotated[bool, Field(examples=[True])]
    message: Annotated[str, Field(examples=["Study history has been reset"])]
