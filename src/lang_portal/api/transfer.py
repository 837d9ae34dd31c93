"""Routes for export and import: the study history as JSON, word lists as CSV."""

from __future__ import annotations

import tempfile

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from lang_portal.api.deps import ServicesDep
from lang_portal.api.documentation import beyond_schema
from lang_portal.api.rendering import ApiResult
from lang_portal.errors import InvalidInputError
from lang_portal.models.transfer import HistoryImportReport, WordImportReport
from lang_portal.route_policy import BULK_READ, FILE_UPLOAD, PolicyRouter

router = PolicyRouter(tags=["export and import"])
SPOOL_BYTES = 8 * 1024 * 1024


async def _body(request: Request) -> bytes:
    # MAX_UPLOAD_SIZE is enforced as the body arrives (middleware.body_limit)
    return await request.body()


@router.get(
    "/export/history",
    policy=BULK_READ,
    summary="The study history as the spec's JSON, with the words, groups and activities",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def export_history(services: ServicesDep) -> Response:
    # streamed: memory stays bounded whatever the history's size
    return StreamingResponse(
        services.transfer.export_history_chunks(),
        media_type="application/json",
        headers={"content-disposition": 'attachment; filename="study_history.json"'},
    )


@router.post(
    "/import/history",
    policy=FILE_UPLOAD,
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
    # The body goes to a temporary file as it arrives (memory up to SPOOL_BYTES), and the
    # import parses it from there as a stream: memory stays bounded up to MAX_UPLOAD_SIZE.
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        async for chunk in request.stream():
            await run_in_threadpool(spool.write, chunk)
        spool.seek(0)
        report = await run_in_threadpool(services.transfer.import_history_file, spool)
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
    policy=FILE_UPLOAD,
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
        raise InvalidInputError("errors.invalid_input.csv_not_utf8") from exc
    report = await run_in_threadpool(services.transfer.import_words_csv, text)
    return ApiResult(report, status_code=201)
