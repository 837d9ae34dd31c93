"""The xAPI sub-application mounted at /xapi: its own routes, errors and middlewares.

The portal's middlewares (request id, access log, metrics, security headers, CORS, gzip,
timeout) wrap it as they wrap everything; the portal's body limit and rate limits do not
apply here (see docs/xapi.md): this app has its own body limit, sized for attachments, and its
clients are authenticated.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from lang_portal.middleware.body_limit import BodyLimitMiddleware
from lang_portal.route_policy import RateClass, RoutePolicy
from lang_portal.service.container import Services
from lang_portal.xapi import about, activities, agents, document_routes, statements
from lang_portal.xapi.alternate_syntax import AlternateSyntaxMiddleware
from lang_portal.xapi.answers import AnswerDoor
from lang_portal.xapi.auth import Authenticator
from lang_portal.xapi.context import VERSION_1, VERSION_2, VERSION_HEADER, XAPI_PREFIX
from lang_portal.xapi.documents import DocumentService
from lang_portal.xapi.gate import XapiGateMiddleware
from lang_portal.xapi.responses import XapiJson, error_response, install_xapi_error_handlers
from lang_portal.xapi.statement_store import StatementStore

__all__ = ["XAPI_PREFIX", "XapiMount", "build_xapi_app"]


class XapiMount(Mount):
    """The /xapi mount in the portal's route table, with the policy the portal's middlewares
    read (route_policy): not rate-limited. Every xAPI client holds a key, and a learning tool
    reports a whole class's answers in bursts (the ADL conformance suite alone sends thousands
    of requests a minute)."""

    policy = RoutePolicy(RateClass.EXEMPT)


class XapiBodyLimitMiddleware(BodyLimitMiddleware):
    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        # outside the gate, so it labels its answer with the version itself
        asked = dict(scope["headers"]).get(VERSION_HEADER.lower().encode(), b"")
        response: Response = error_response(
            413,
            {"message": f"the request body is larger than {limit} bytes"},
            headers={
                "Connection": "close",
                VERSION_HEADER: VERSION_2 if asked.startswith(b"2.") else VERSION_1,
            },
        )
        await response(scope, receive, send)


def build_xapi_app(services: Services) -> FastAPI:
    settings = services.context.settings
    app = FastAPI(
        title="lang-portal xAPI LRS",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        default_response_class=XapiJson,
    )
    app.state.services = services
    app.state.settings = settings
    app.state.xapi_documents = DocumentService(services.context)
    store = app.state.statement_store = StatementStore(services.context)
    door = AnswerDoor(services.context, services.answers, store)
    store.answer_door = door
    services.answers.statement_writer = door.write_answer_statements
    services.study.lifecycle_writer = door.write_lifecycle_statement
    for module in (about, document_routes, statements, activities, agents):
        app.include_router(module.router)
    install_xapi_error_handlers(app)
    # Innermost first. The gate checks version and key; the body limit is outermost so that a
    # too-large upload is refused before anything reads it.
    app.add_middleware(
        XapiGateMiddleware,
        authenticator=Authenticator(settings, services.context.db),
        clock=services.context.clock,
    )
    # Outside the gate: an Alternate Request Syntax form carries the headers the gate checks.
    app.add_middleware(AlternateSyntaxMiddleware)
    app.add_middleware(XapiBodyLimitMiddleware, max_bytes=settings.xapi_max_request_size)
    return app
