"""How each mount documents its bodies in the OpenAPI document."""

from __future__ import annotations

import string
from typing import Any

from pydantic import BaseModel

from lang_portal.models.common import (
    SQLITE_MAX_INTEGER,
    SQLITE_MIN_INTEGER,
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
    describe_rules(kwargs, 400 if mount is Mount.LEGACY else 422)


# -- the document as a whole -------------------------------------------------------------------

# An operation whose requests the server may refuse for a rule no schema can state (a relation
# between fields, the stored data, an uploaded file's content) carries this extension set to
# true beside the rules in its description; clients and the fuzzing (schemathesis.toml) read a
# 422 to a schema-valid request of such an operation as documented.
BEYOND_SCHEMA_EXTENSION = "x-refusals-beyond-schema"
# Bounds that come from settings: `{"x-setting-bounds": {"maximum": "max_page_size"}}` on a
# parameter or field becomes `"maximum": <the setting in force>` when the app writes its
# document; `${max_groups}` in a description becomes the setting's value likewise.
SETTING_BOUNDS_KEY = "x-setting-bounds"


def setting_bounds(**bounds: str) -> dict[str, Any]:
    """`json_schema_extra` for bounds taken from settings: `setting_bounds(maximum="...")`."""
    return {SETTING_BOUNDS_KEY: bounds}


def beyond_schema(*rules: str) -> dict[str, Any]:
    """`openapi_extra` for an operation with rules a schema cannot state (see the extension)."""
    return {BEYOND_SCHEMA_EXTENSION: True, "x-rules": list(rules)}


def describe_rules(kwargs: dict[str, Any], status: int) -> None:
    """Write an operation's rules beyond the schema into its description and its refusal.

    The refusal is the mount's: 422, or 400 on the legacy mount, whose contract has no 422.
    """
    rules = (kwargs.get("openapi_extra") or {}).get("x-rules")
    if not rules:
        return
    listed = "\n".join(f"* {rule}" for rule in rules)
    text = f"Refused with {status}, though the schema allows it:\n\n" + listed
    description = kwargs.get("description")
    kwargs["description"] = f"{description}\n\n{text}" if description else text
    responses = dict(kwargs.get("responses") or {})
    entry = dict(responses.get(status) or {})
    entry["description"] = f"{ERROR_STATUSES[status]}; besides the schema's fields:\n\n{listed}"
    responses[status] = entry
    kwargs["responses"] = responses


def finish_document(document: dict[str, Any], settings: Any) -> dict[str, Any]:
    """Settle what the route declarations leave open, for the app's settings in force.

    * a bound taken from a setting becomes that setting's value;
    * an integer bound comes out exact: the document's model holds bounds as floats, and
      2**63 - 1 as a float is 2**63, a value the server refuses.
    """
    _settle(document, settings)
    return document


def _settle(node: Any, settings: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _settle(item, settings)
        return
    if not isinstance(node, dict):
        return
    for keyword, setting in (node.pop(SETTING_BOUNDS_KEY, None) or {}).items():
        node[keyword] = int(getattr(settings, setting))
    description = node.get("description")
    if isinstance(description, str) and "${" in description:
        node["description"] = string.Template(description).safe_substitute(
            {name: getattr(settings, name) for name in type(settings).model_fields}
        )
    if node.get("type") == "integer":
        for key in ("minimum", "maximum"):
            value = node.get(key)
            if isinstance(value, float):
                node[key] = max(SQLITE_MIN_INTEGER, min(SQLITE_MAX_INTEGER, int(value)))
    for value in node.values():
        _settle(value, settings)
