"""The learner's portal page at `/`: static files shipped inside the package, reading the API.

Its views live in the URL's fragment (`/#/words/12`), so the page takes no path of its own
beyond `/` and `/portal/...`: the legacy mount keeps `/words` and `/groups`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

PORTAL_PREFIX = "/portal"
PORTAL_DIR = Path(__file__).resolve().parents[1] / "portal"

router = APIRouter()


@router.get("/", include_in_schema=False)
def portal_page() -> FileResponse:
    return FileResponse(PORTAL_DIR / "index.html", media_type="text/html; charset=utf-8")


def static_portal() -> StaticFiles:
    return StaticFiles(directory=PORTAL_DIR)
