"""The Activities Resource (Communication 2.5): an Activity with the LRS's canonical definition."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from lang_portal.xapi.errors import XapiBadRequest
from lang_portal.xapi.responses import XapiJson
from lang_portal.xapi.statement_store import StatementStore
from lang_portal.xapi.validation import validate_activity_id

router = APIRouter()


@router.api_route("/activities", methods=["GET", "HEAD"])
async def get_activity(request: Request) -> Response:
    unknown = set(request.query_params) - {"activityId"}
    if unknown:
        raise XapiBadRequest(f"unknown parameter {sorted(unknown)[0]!r} for /activities")
    activity_id = request.query_params.get("activityId")
    if activity_id is None:
        raise XapiBadRequest("GET /activities needs the activityId parameter")
    validate_activity_id(activity_id, "activityId")
    store: StatementStore = request.app.state.statement_store
    # An activity the LRS has no definition of is still an Activity (2.0.0 4.1.6.4 says so;
    # 1.0.3 allows it): its id alone.
    activity = store.activity(activity_id) or {"objectType": "Activity", "id": activity_id}
    response = XapiJson(activity)
    if request.method == "HEAD":
        return Response(b"", media_type="application/json", headers=dict(response.headers))
    return response
