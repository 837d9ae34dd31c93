"""Routes of the three document resources: /activities/state, /activities/profile, /agents/profile.

Thin: each hands the query, the concurrency headers and the raw body to `DocumentService`, and
turns its reply into the response (the document as stored, its ETag, Last-Modified). HEAD
answers as GET would, without the body.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from lang_portal.xapi.context import XapiRequestContext, require_credential, xapi_context
from lang_portal.xapi.documents import (
    DocumentBody,
    DocumentReply,
    DocumentRequest,
    DocumentResource,
    DocumentService,
    LaunchScope,
)

router = APIRouter(dependencies=[Depends(require_credential)])

_PATHS = {
    DocumentResource.STATE: "/activities/state",
    DocumentResource.ACTIVITY_PROFILE: "/activities/profile",
    DocumentResource.AGENT_PROFILE: "/agents/profile",
}


def document_service(request: Request) -> DocumentService:
    service: DocumentService = request.app.state.xapi_documents
    return service


ContextDep = Annotated[XapiRequestContext, Depends(xapi_context)]
ServiceDep = Annotated[DocumentService, Depends(document_service)]


def _document_request(request: Request, context: XapiRequestContext) -> DocumentRequest:
    credential = require_credential(request)
    return DocumentRequest(
        version=context.version,
        params=request.query_params.multi_items(),
        if_match=request.headers.get("if-match"),
        if_none_match=request.headers.get("if-none-match"),
        scope=LaunchScope.of(credential.registration, credential.actor),
    )


def _reply_response(reply: DocumentReply, *, head: bool) -> Response:
    headers = {"ETag": reply.etag}
    if reply.last_modified is not None:
        headers["Last-Modified"] = format_datetime(reply.last_modified, usegmt=True)
    if head:
        headers["Content-Length"] = str(len(reply.content))
        return Response(b"", headers=headers, media_type=reply.content_type)
    return Response(reply.content, headers=headers, media_type=reply.content_type)


def _no_content() -> Response:
    return Response(status_code=204)


def _add_routes(resource: DocumentResource) -> None:
    path = _PATHS[resource]

    async def read(
        request: Request,
        context: ContextDep,
        service: ServiceDep,
    ) -> Response:
        reply = await run_in_threadpool(service.get, resource, _document_request(request, context))
        return _reply_response(reply, head=request.method == "HEAD")

    async def replace(
        request: Request,
        context: ContextDep,
        service: ServiceDep,
    ) -> Response:
        body = DocumentBody(request.headers.get("content-type"), await request.body())
        await run_in_threadpool(service.put, resource, _document_request(request, context), body)
        return _no_content()

    async def merge(
        request: Request,
        context: ContextDep,
        service: ServiceDep,
    ) -> Response:
        body = DocumentBody(request.headers.get("content-type"), await request.body())
        await run_in_threadpool(service.post, resource, _document_request(request, context), body)
        return _no_content()

    async def remove(
        request: Request,
        context: ContextDep,
        service: ServiceDep,
    ) -> Response:
        await run_in_threadpool(service.delete, resource, _document_request(request, context))
        return _no_content()

    name = resource.value
    router.add_api_route(path, read, methods=["GET", "HEAD"], name=f"xapi_{name}_get")
    router.add_api_route(path, replace, methods=["PUT"], name=f"xapi_{name}_put", status_code=204)
    router.add_api_route(path, merge, methods=["POST"], name=f"xapi_{name}_post", status_code=204)
    router.add_api_route(
        path, remove, methods=["DELETE"], name=f"xapi_{name}_delete", status_code=204
    )


for _resource in DocumentResource:
    _add_routes(_resource)
