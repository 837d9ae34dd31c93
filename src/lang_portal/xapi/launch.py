"""Launching a study activity the xAPI way: the app gets an LRS endpoint and a key of its own.

The launch URL then carries, besides `group_id` and `session_id`, the parameters xAPI content
reads at launch (the "xAPI launch" convention of the ADL/Rustici launch guidelines): `endpoint`
(this LRS), `auth` (an HTTP Basic Authorization value), `actor` (the learner, JSON),
`registration` (the study session's) and `activity_id` (the study activity's IRI). The key is
made for this launch only: it may record and read statements of that registration alone, and
expires after XAPI_LAUNCH_KEY_MINUTES.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lang_portal.clock import to_stored
from lang_portal.models.study import Launch, XapiLaunch
from lang_portal.repository import xapi_answers
from lang_portal.service.context import ServiceContext
from lang_portal.xapi.auth import create_key
from lang_portal.xapi.iris import PortalIris

LAUNCH_PARAMETERS = ("endpoint", "auth", "actor", "registration", "activity_id")


def with_parameters(url: str, parameters: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in parameters
    ]
    query += list(parameters.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def xapi_launch(context: ServiceContext, launch: Launch, endpoint: str) -> Launch:
    """`launch` (StudyService.launch's answer) with the xAPI parameters and a launch key."""
    session_id = launch.study_session_id
    with context.db.read() as connection:
        registration = xapi_answers.registration_of_session(connection, session_id)
    assert registration is not None  # the session was just started
    iris = PortalIris(context.settings.xapi_iri_base)
    actor = iris.learner()
    expires_at = context.now() + timedelta(minutes=context.settings.xapi_launch_key_minutes)
    key = create_key(
        context.db,
        f"launch of study activity {launch.study_activity_id}, session {session_id}",
        context.now(),
        registration=registration,
        actor=actor,
        expires_at=expires_at,
    )
    parameters = {
        "endpoint": endpoint,
        "auth": key.basic_header(),
        "actor": json.dumps(actor, separators=(",", ":")),
        "registration": registration,
        "activity_id": iris.study_activity(launch.study_activity_id),
    }
    return dataclasses.replace(
        launch,
        launch_url=with_parameters(launch.launch_url, parameters),
        xapi=XapiLaunch(
            endpoint=parameters["endpoint"],
            auth=parameters["auth"],
            actor=actor,
            registration=registration,
            activity_id=parameters["activity_id"],
            expires_at=context.api_time(to_stored(expires_at)),
        ),
    )
