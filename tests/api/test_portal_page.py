"""The portal page at `/`: served from the package, beside the API's paths, not over them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_root_serves_the_portal_page_and_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == "default-src 'self'"
    assets = re.findall(r"(?:src|href)=\"(/[^\"#]+)\"", page.text)
    assert "/portal/portal.js" in assets and "/portal/portal.css" in assets
    for asset in assets:
        if asset.startswith("/swagger"):
            continue  # a link to the API's page, not an asset of this one
        assert client.get(asset).status_code == 200, asset
    # the modules the page imports are there too
    script = client.get("/portal/portal.js").text
    for module in re.findall(r'from "\./([a-z]+\.js)"', script):
        assert client.get(f"/portal/{module}").status_code == 200, module
    # revalidated on every load, so that an upgrade is never half-seen
    for path in ("/", "/portal/portal.js"):
        answer = client.get(path)
        assert answer.headers["cache-control"] == "no-cache"
        again = client.get(path, headers={"if-none-match": answer.headers["etag"]})
        assert again.status_code == 304, path
    # nothing is loaded from another host
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page.text)


def test_the_page_leaves_the_api_and_legacy_paths_alone(client: TestClient) -> None:
    # the legacy mount's JSON routes keep their paths: the page's views are in the fragment
    words = client.get("/words")
    assert words.status_code == 200 and words.headers["content-type"] == "application/json"
    groups = client.get("/groups")
    assert groups.status_code == 200 and groups.headers["content-type"] == "application/json"
    assert client.get("/api/v1/words").json()["status"] == "success"
    assert client.get("/portal/no-such-file.js").status_code == 404


def test_root_is_not_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/" not in paths
    assert not any(path.startswith("/portal") for path in paths)
