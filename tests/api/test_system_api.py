"""Routes outside the mounts, unknown routes, and the OpenAPI document."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from lang_portal.service.container import Services


def test_health_reports_database(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["checks"]["database"] == "up"
    assert body["checks"]["api"] == "up"
    assert body["checks"]["database_latency_ms"] >= 0
    assert body["version"] == "1.0.0"


def test_health_is_503_when_database_fails(client: TestClient, services: Services) -> None:
    services.context.db.close()
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert response.json()["checks"]["database"] == "down"


def test_unknown_routes_in_each_mount_envelope(client: TestClient) -> None:
    v1 = client.get("/api/v1/nothing-here")
    assert v1.status_code == 404
    assert v1.json()["status"] == "error"
    assert v1.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    bare = client.get("/api/nothing-here")
    assert bare.status_code == 404
    assert set(bare.json()) == {"error"}
    assert bare.json()["error"]["code"] == "RESOURCE_NOT_FOUND"
    root = client.get("/nothing-here")
    assert root.status_code == 404 and root.json()["status"] == "error"


def test_wrong_method_is_enveloped(client: TestClient) -> None:
    response = client.delete("/api/v1/dashboard/study_progress")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "INVALID_INPUT"


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    echoed = client.get("/api/v1/words", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    assert echoed.json()["meta"]["request_id"] == "abc-123"
    hostile = client.get("/api/v1/words", headers={"X-Request-ID": "bad id <script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])


def test_swagger_is_served_offline(client: TestClient) -> None:
    page = client.get("/swagger/index.html")
    assert page.status_code == 200
    external = re.findall(r"(?:src|href)=[\"'](https?://[^\"']+)", page.text)
    assert external == []
    for asset in re.findall(r"(?:src|href)=[\"'](/swagger/static/[^\"']+)", page.text):
        assert client.get(asset).status_code == 200, asset
    assert client.get("/swagger", follow_redirects=False).status_code in (302, 307)


def test_swagger_ui_is_version_5_which_reads_openapi_3_1(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/swagger/static/swagger-ui-bundle.js").text
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bundle)
    assert version is not None
    assert int(version[1]) >= 5  # 4.x renders "Unable to render this definition" for 3.1


def test_openapi_documents_both_mounts_with_examples(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/words",
        "/api/words",
        "/api/v1/study_sessions/{session_id}/words/{word_id}/review",
        "/api/study_activities/{activity_id}/launch",
        "/api/v1/dashboard/quick-stats",
        "/health",
    ):
        assert path in paths, path
    v1_words = paths["/api/v1/words"]["get"]["responses"]
    assert v1_words["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ListEnvelope_WordItem_"
    )
    assert v1_words["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "ErrorEnvelope"
    )
    bare_error = paths["/api/words"]["get"]["responses"]["422"]
    assert bare_error["content"]["application/json"]["schema"]["$ref"].endswith("BareError")
    schemas = document["components"]["schemas"]
    assert schemas["WordCreate"]["examples"][0]["japanese"] == "食べる"
    assert client.get("/swagger/doc.json").json()["paths"].keys() == paths.keys()
