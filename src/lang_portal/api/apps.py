"""The built-in study apps and their pictures: static files shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from lang_portal.route_policy import EXEMPT, PolicyRouter

APPS_PREFIX = "/apps"
APPS_DIR = Path(__file__).resolve().parents[1] / "apps"
FAVICON = APPS_DIR / "favicon.svg"

router = PolicyRouter()


# Not counted against the API's rate limit: a browser asks for it with every page.
@router.get("/favicon.ico", policy=EXEMPT, include_in_schema=False)
def favicon() -> FileResponse:
    # Browsers ask every origin for /favicon.ico; an SVG answers them all, a 404 would be an
    # error on the console of every page.
    return FileResponse(FAVICON, media_type="image/svg+xml")


def static_apps() -> StaticFiles:
    """`/apps/<name>/` serves `<name>/index.html`; `/apps/thumbnails/<name>.svg` the pictures."""
    return StaticFiles(directory=APPS_DIR, html=True)
