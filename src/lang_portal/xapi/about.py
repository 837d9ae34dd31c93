"""GET /xapi/about: the versions this LRS speaks; the one resource without authentication."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lang_portal import __version__
from lang_portal.xapi.context import SUPPORTED_VERSIONS
from lang_portal.xapi.responses import XapiJson

router = APIRouter()

ABOUT_EXTENSIONS_IRI = "https://lang-portal.example/xapi/extensions/about"


def about_body() -> dict[str, object]:
    return {
        "version": list(SUPPORTED_VERSIONS),
        "extensions": {ABOUT_EXTENSIONS_IRI: {"name": "lang-portal", "version": __version__}},
    }


@router.api_route("/about", methods=["GET", "HEAD"])
async def get_about(request: Request) -> Response:
    return XapiJson(about_body())
