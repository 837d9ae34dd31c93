"""Routes for export and import: the study history as JSON, word lists as CSV."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from lang_portal.api.deps import ServicesDep
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.rendering import ApiResult
from lang_portal.errors import InvalidInputError
from lang_portal.models.transfer import HistoryImportReport, WordImportReport
from lang_portal.route_policy import ASYNC_WRITE, BULK_READ, PolicyRouter

router = PolicyRouter(tags=["export and import"])
MAX_IMPORT_BYTES = 64 * 1024 * 1024


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_IMPORT_BYTES:
        raise InvalidInputError(f"the file is larger than {MAX_IMPORT_BYTES} bytes")
    return body


@router.get(
    "/export/history",
    policy=BULK_READ,
    summary="The study history as the spec's JSON, with the words, groups and activities",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def export_history(services: ServicesDep) -> Response:
    document = services.transfer.export_history()
    return Response(
        orjson.dumps(document),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="study_history.json"'},
    )


@router.post(
    "/import/history",
    policy=ASYNC_WRITE,
    response_model=HistoryImportReport,
    status_code=201,
    summary="Import a history export: all or nothing; each problem reported by its path",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **beyond_schema("an export whose content is refused (each problem is listed)"),
    },
)
async def import_history(services: ServicesDep, request: Request) -> ApiResult:
    try:
        document: Any = orjson.loads(await _body(request))
    except orjson.JSONDecodeError as exc:
        raise InvalidInputError(f"the body is not JSON: {exc}") from exc
    report = await run_in_threadpool(services.transfer.import_history, document)
    return ApiResult(report, status_code=201)


@router.get(
    "/export/words.csv",
    policy=BULK_READ,
    summary="Every word as CSV: japanese,romaji,english,tags (tags = its groups)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_words(services: ServicesDep) -> Response:
    return Response(
        services.transfer.export_words_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="words.csv"'},
    )


@router.post(
    "/import/words",
    policy=ASYNC_WRITE,
    response_model=WordImportReport,
    status_code=201,
    summary="Import a CSV word list (text/csv body): all or nothing; bad rows by line",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **beyond_schema(
            "a list without the header line `japanese,romaji,english,tags`",
            "a list with a refused row (each problem is listed by line)",
        ),
    },
)
async def import_words(services: ServicesDep, request: Request) -> ApiResult:
    try:
        text = (await _body(request)).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError("the CSV is not UTF-8") from exc
    report = await run_in_threadpool(services.transfer.import_words_csv, text)
    return ApiResult(report, status_code=201)
