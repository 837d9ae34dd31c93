"""The learner's portal page at `/`: static files shipped inside the package, reading the API.

Its views live in the URL's fragment (`/#/words/12`), so the page takes no path of its own
beyond `/` and `/portal/...`: the legacy mount keeps `/words` and `/groups`.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from lang_portal.route_policy import EXEMPT, PolicyRouter

PORTAL_PREFIX = "/portal"
PORTAL_DIR = Path(__file__).resolve().parents[1] / "portal"

# Asked again on every load (an ETag makes it a 304): after an upgrade the browser must not keep
# an old page whose modules no longer match the API.
REVALIDATE = {"cache-control": "no-cache"}

router = PolicyRouter()


class RevalidatedFiles(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(REVALIDATE)
        return response


PORTAL_FILES = RevalidatedFiles(directory=PORTAL_DIR)


# A fixed file, as the static ones under /portal/: not counted against the API's rate limit.
@router.get("/", policy=EXEMPT, include_in_schema=False)
async def portal_page(request: Request) -> Response:
    # served as the folder's other files are, with their ETag and 304
    return await PORTAL_FILES.get_response("index.html", request.scope)


def static_portal() -> StaticFiles:
    return PORTAL_FILES
