"""The error shape each mount promises, checked on any response (shared by the fuzz and the
hostile-input tests)."""

from __future__ import annotations

from typing import Any

META_KEYS = {"timestamp", "version", "request_id"}


def route_mounts(app: Any) -> dict[tuple[str, str], str]:
    """(METHOD, path template) -> the mount its route renders for: "v1", "bare", "legacy" or
    "system". Taken from the routes themselves, since the legacy mount also answers under /api."""
    mounts: dict[tuple[str, str], str] = {}
    for route in app.routes:
        mount = getattr(route, "mount", None)
        name = "system" if mount is None else mount.value
        for method in getattr(route, "methods", None) or ():
            mounts[(method, route.path)] = name
    return mounts


def envelope_problem(mount: str, status: int, body: Any) -> str | None:
    """Why an error body breaks its mount's envelope, or None when it keeps to it."""
    if status < 400 or mount == "system":
        return None
    if not isinstance(body, dict):
        return f"error body is not a JSON object: {body!r}"
    if mount == "legacy":
        if set(body) != {"error"} or not isinstance(body["error"], str):
            return f"legacy error must be {{'error': message}}, got {body!r}"
        return None
    error = body.get("error")
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        return f"error must hold code, message and details, got {body!r}"
    if not isinstance(error["code"], str) or not isinstance(error["message"], str):
        return f"error code and message must be strings, got {error!r}"
    if not isinstance(error["details"], dict):
        return f"error details must be an object, got {error!r}"
    if mount == "v1":
        if set(body) != {"status", "error", "meta"} or body["status"] != "error":
            return f"/api/v1 error must be {{status, error, meta}}, got {body!r}"
        if set(body["meta"]) != META_KEYS:
            return f"/api/v1 error meta keys wrong: {body['meta']!r}"
    elif set(body) != {"error"}:
        return f"/api error must be {{error}} alone, got {body!r}"
    return None
