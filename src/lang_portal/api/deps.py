"""Dependencies the route modules share: the services and the list parameters."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Header, Path, Query, Request

from lang_portal.api.documentation import setting_bounds
from lang_portal.errors import ValidationFailedError
from lang_portal.i18n import Text
from lang_portal.models.common import SQLITE_MAX_INTEGER, PageRequest
from lang_portal.repository.sessions import SESSION_SORT_COLUMNS
from lang_portal.repository.words import REVIEW_SORT_COLUMNS, WORD_SORT_COLUMNS
from lang_portal.service.container import Services

MAX_PAGE_NUMBER = 1_000_000_000


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


# The dependencies are `async def` because they do no I/O: FastAPI runs a sync dependency in
# the thread pool, one hop per dependency per request, which cost more than the query itself.
async def get_services(request: Request) -> Services:
    return services_of(request)


ServicesDep = Annotated[Services, Depends(get_services)]


def page_params(
    sort_keys: Sequence[str], default_sort: str, default_order: Literal["asc", "desc"] = "asc"
) -> Callable[..., Awaitable[PageRequest]]:
    """A dependency reading `page`, `per_page`, `sort_by` and `order` for one list."""
    sort_literal: Any = Literal[tuple(sort_keys)]

    async def dependency(
        request: Request,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page, from 1")] = 1,
        # Bounded in the document by the setting in force (api.documentation).
        per_page: Annotated[
            int | None,
            Query(
                ge=1,
                description="Items per page (default: DEFAULT_PAGE_SIZE)",
                json_schema_extra=setting_bounds(maximum="max_page_size"),
            ),
        ] = None,
        sort_by: Annotated[sort_literal, Query(description="Sort key")] = default_sort,
        order: Annotated[Literal["asc", "desc"], Query(description="Sort order")] = default_order,
    ) -> PageRequest:
        settings = services_of(request).context.settings
        size = (
            per_page
            if per_page is not None
            else min(settings.default_page_size, settings.max_page_size)
        )
        if size > settings.max_page_size:
            raise ValidationFailedError(
                "errors.validation.per_page_too_large",
                {"per_page": Text("validation.between", minimum=1, maximum=settings.max_page_size)},
            )
        return PageRequest(page=page, per_page=size, sort_by=sort_by, order=order)

    return dependency


# Lists that several resources serve, with the same keys and defaults wherever they appear.
WordPage = Annotated[PageRequest, Depends(page_params(list(WORD_SORT_COLUMNS), "japanese"))]
SessionPage = Annotated[
    PageRequest, Depends(page_params(list(SESSION_SORT_COLUMNS), "start_time", "desc"))
]
ReviewPage = Annotated[
    PageRequest, Depends(page_params(list(REVIEW_SORT_COLUMNS), "created_at", "desc"))
]


# Path ids, bounded to SQLite's 64-bit integers (a larger id can match no row).
WordId = Annotated[int, Path(ge=1, le=SQLITE_MAX_INTEGER, description="Word id")]
GroupId = Annotated[int, Path(ge=1, le=SQLITE_MAX_INTEGER, description="Group id")]
SessionId = Annotated[int, Path(ge=1, le=SQLITE_MAX_INTEGER, description="Study session id")]
ActivityId = Annotated[int, Path(ge=1, le=SQLITE_MAX_INTEGER, description="Study activity id")]


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Any unique string (a UUID): an answer resent with the same key within 24 hours "
            "is stored once, and the resend answers with the first one's result"
        ),
    ),
]
