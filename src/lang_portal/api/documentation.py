"""How each mount documents its bodies in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from lang_portal.models.common import (
    BareError,
    Envelope,
    ErrorEnvelope,
    LegacyError,
    ListEnvelope,
    Page,
)
from lang_portal.mounts import Mount

ERROR_STATUSES = {
    400: "The body is not JSON",
    404: "Unknown id or route",
    409: "Duplicate entry",
    413: "The body is over the size limit",
    422: "A field or a business rule refused the request",
    429: "Rate limit exceeded",
    500: "Internal error (no internals in the body)",
    503: "The database is unavailable",
}

ERROR_MODELS: dict[Mount, type[BaseModel]] = {
    Mount.V1: ErrorEnvelope,
    Mount.BARE: BareError,
    Mount.LEGACY: LegacyError,
}


def body_model(declared: Any, mount: Mount) -> Any:
    """The documented body for a mount: `Page[X]` marks a list, anything else one resource."""
    if mount is not Mount.V1:
        return declared
    metadata = getattr(declared, "__pydantic_generic_metadata__", None) or {}
    if metadata.get("origin") is Page:
        (item,) = metadata["args"]
        return ListEnvelope[item]  # type: ignore[valid-type]
    return Envelope[declared]


def document(mount: Mount, kwargs: dict[str, Any]) -> None:
    """Shape a route's `response_model` and add every error status, in the mount's shapes.

    Every mount documents its errors: a client (and the fuzzing) learns each status and its
    body from the document, the legacy mount's `{"error": message}` included.
    """
    response_model = kwargs.get("response_model")
    # `list[X]` is no `type` but is a body to wrap all the same.
    if response_model is not None:
        kwargs["response_model"] = body_model(response_model, mount)
    error_model = ERROR_MODELS[mount]
    responses = dict(kwargs.get("responses") or {})
    for status, description in ERROR_STATUSES.items():
        responses.setdefault(status, {"model": error_model, "description": description})
    kwargs["responses"] = responses
