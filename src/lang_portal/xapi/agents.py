"""The Agents Resource (Communication 2.6): the Person object this LRS knows for an Agent.

The LRS keeps no links between an Agent's identifiers, so the Person holds the one Agent
asked about: its identifier and name, each as an array as the Person object has them.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from lang_portal.xapi.context import xapi_context
from lang_portal.xapi.errors import XapiBadRequest
from lang_portal.xapi.responses import XapiJson
from lang_portal.xapi.validation import IFI_KEYS, validate_agent

router = APIRouter()


@router.api_route("/agents", methods=["GET", "HEAD"])
async def get_person(request: Request) -> Response:
    unknown = set(request.query_params) - {"agent"}
    if unknown:
        raise XapiBadRequest(f"unknown parameter {sorted(unknown)[0]!r} for /agents")
    text = request.query_params.get("agent")
    if text is None:
        raise XapiBadRequest("GET /agents needs the agent parameter")
    try:
        agent = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise XapiBadRequest("agent must be an Agent as JSON") from None
    validate_agent(agent, xapi_context(request).version, "agent")
    if agent.get("objectType", "Agent") != "Agent":
        raise XapiBadRequest("agent must be an Agent, not a Group")
    person: dict[str, object] = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in IFI_KEYS:
        if key in agent:
            person[key] = [agent[key]]
    response = XapiJson(person)
    if request.method == "HEAD":
        return Response(b"", media_type="application/json", headers=dict(response.headers))
    return response
