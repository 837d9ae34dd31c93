"""The learner's portal page at `/`: static files shipped inside the package, reading the API.

Its views live in the URL's fragment (`/#/words/12`), so the page takes no path of its own
beyond `/` and `/portal/...`: the legacy mount keeps `/words` and `/groups`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from lang_portal.route_policy import EXEMPT, PolicyRouter

PORTAL_PREFIX = "/portal"
PORTAL_DIR = Path(__file__).resolve().parents[1] / "portal"

router = PolicyRouter()


# A fixed file, as the static ones under /portal/: not counted against the API's rate limit.
@router.get("/", policy=EXEMPT, include_in_schema=False)
def portal_page() -> FileResponse:
    return FileResponse(PORTAL_DIR / "index.html", media_type="text/html; charset=utf-8")


def static_portal() -> StaticFiles:
    return StaticFiles(directory=PORTAL_DIR)
