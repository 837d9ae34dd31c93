"""One learning record, two doors: portal answers as xAPI statements, and back.

* Every answer the answer pipeline records from the portal (source "portal" or "legacy") is
  also a statement (`write_answer_statements`, called by the pipeline in the answer's
  transaction): the learner answered the word's activity, with result.success and
  result.duration, context.registration the session's registration and the group and study
  activity in contextActivities, and result.response what the learner answered when the app
  said it.
* A statement posted to /xapi that is such an answer (`record_statement`: verb answered, object
  a word's activity IRI, a registration and result.success) is recorded through the pipeline in
  the statement's transaction, as a portal answer would be; the session is the one its
  registration names, started when none does; its result.response is the answer's response.
* Voiding that statement takes the answer out again (`retract_review`).
* The session lifecycle (docs/study-apps.md) both ways: the portal's pause, resume and complete
  are statements (suspended, resumed, completed) about the session's study activity in its
  registration (`write_lifecycle_statement`); a posted statement with one of those verbs (or
  terminated) about a session's study activity, in that session's registration, moves the
  session so when the lifecycle allows it, and is stored like any other statement when not.

The rules for choosing a new session's group and activity are in docs/xapi.md.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from lang_portal.errors import BusinessRuleError
from lang_portal.models.validation import clean_response
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import xapi_answers as repo
from lang_portal.service.answers import Answer, AnswerPipeline, AnswerSetting, RecordedAnswer
from lang_portal.service.context import ServiceContext
from lang_portal.service.lifecycle import Action, Timeouts, check_transition, session_status
from lang_portal.service.study import apply_transition
from lang_portal.xapi import statement_parts as parts
from lang_portal.xapi.errors import XapiBadRequest
from lang_portal.xapi.iris import PortalIris
from lang_portal.xapi.statement_store import PreparedStatement, StatementStore

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
VERBS = "http://adlnet.gov/expapi/verbs/"
# the verbs of a portal transition, and the transition each posted verb asks for
LIFECYCLE_VERBS = {
    Action.PAUSE: "suspended",
    Action.RESUME: "resumed",
    Action.COMPLETE: "completed",
}
LIFECYCLE_ACTIONS = {
    f"{VERBS}suspended": Action.PAUSE,
    f"{VERBS}resumed": Action.RESUME,
    f"{VERBS}completed": Action.COMPLETE,
    f"{VERBS}terminated": Action.COMPLETE,
}
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def duration_iso(milliseconds: int) -> str:
    seconds = Decimal(milliseconds) / 1000
    text = format(seconds.normalize(), "f")
    return f"PT{text}S"


def duration_ms(text: object) -> int | None:
    """An ISO 8601 duration in days, hours, minutes and seconds as milliseconds; None for any
    other (years and months have no fixed length)."""
    if not isinstance(text, str):
        return None
    match = _DURATION.match(text)
    if match is None or text in ("P", "PT"):
        return None
    factors = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000}
    total = sum(
        Decimal(match.group(unit)) * factor
        for unit, factor in factors.items()
        if match.group(unit) is not None
    )
    return int(total)


def learner_response(value: object) -> str | None:
    """result.response as the answer's response; None when the portal's text rules refuse it
    (the statement is valid xAPI all the same: it is stored whole, the answer without it)."""
    if not isinstance(value, str):
        return None
    try:
        return clean_response(value)
    except ValueError:
        return None


class AnswerDoor:
    def __init__(
        self, context: ServiceContext, pipeline: AnswerPipeline, store: StatementStore
    ) -> None:
        self.context = context
        self.pipeline = pipeline
        self.store = store
        self.iris = PortalIris(context.settings.xapi_iri_base)

    # -- portal answer -> statement -----------------------------------------------------------

    def statement_for(self, answer: RecordedAnswer, setting: AnswerSetting) -> dict[str, Any]:
        """The statement of a portal answer, from what the pipeline read of its session and
        word while checking them (nothing is read again)."""
        result: dict[str, Any] = {"success": answer.correct}
        if answer.response is not None:
            result["response"] = answer.response
        if answer.duration_ms is not None:
            result["duration"] = duration_iso(answer.duration_ms)
        name = {"ja": setting.japanese}
        if setting.english:
            name["en"] = setting.english
        return {
            "id": str(uuid.uuid4()),
            "actor": self.iris.learner(),
            "verb": {"id": ANSWERED, "display": {"en-US": "answered"}},
            "object": {
                "objectType": "Activity",
                "id": self.iris.word(answer.word_id),
                "definition": {"type": INTERACTION, "name": name},
            },
            "result": result,
            "context": {
                "registration": setting.registration,
                "platform": "lang-portal",
                "contextActivities": {
                    "grouping": [
                        {"objectType": "Activity", "id": self.iris.group(setting.group_id)}
                    ],
                    "other": [
                        {
                            "objectType": "Activity",
                            "id": self.iris.study_activity(setting.study_activity_id),
                        }
                    ],
                },
            },
            "timestamp": parts.stored_form(answer.answered_at),
            "authority": self.iris.portal_authority(),
            "version": "1.0.0",
        }

    def write_answer_statements(
        self,
        connection: sqlite3.Connection,
        answers: Sequence[tuple[RecordedAnswer, AnswerSetting]],
    ) -> None:
        prepared = []
        for answer, setting in answers:
            statement = self.statement_for(answer, setting)
            prepared.append(
                PreparedStatement(statement, statement["id"], review_id=answer.review_id)
            )
        self.store.write_minted(connection, prepared)

    def write_lifecycle_statement(
        self, connection: sqlite3.Connection, session: sqlite3.Row, action: Action, now: datetime
    ) -> None:
        verb = LIFECYCLE_VERBS[action]
        statement_id = str(uuid.uuid4())
        statement: dict[str, Any] = {
            "id": statement_id,
            "actor": self.iris.learner(),
            "verb": {"id": f"{VERBS}{verb}", "display": {"en-US": verb}},
            "object": {
                "objectType": "Activity",
                "id": self.iris.study_activity(session["study_activity_id"]),
            },
            "context": {
                "registration": session["registration"],
                "platform": "lang-portal",
                "contextActivities": {
                    "grouping": [
                        {"objectType": "Activity", "id": self.iris.group(session["group_id"])}
                    ]
                },
            },
            "timestamp": parts.stored_form(now),
            "authority": self.iris.portal_authority(),
            "version": "1.0.0",
        }
        self.store.write_minted(connection, [PreparedStatement(statement, statement_id)])

    def _apply_lifecycle(
        self, connection: sqlite3.Connection, statement: Mapping[str, Any]
    ) -> None:
        """A posted suspended, resumed, completed or terminated statement about a session's
        study activity in its registration: the session moves so when the lifecycle allows it
        (the statement is stored either way; statements are not refused for the portal's rules
        on sessions but answers)."""
        action = LIFECYCLE_ACTIONS.get(statement["verb"]["id"])
        registration = (statement.get("context") or {}).get("registration")
        if action is None or not registration:
            return
        session = session_repo.session_by_registration(connection, str(registration).lower())
        if session is None:
            return
        obj = statement["object"]
        wanted = self.iris.study_activity(session["study_activity_id"])
        if parts.object_type(obj) != "Activity" or str(obj["id"]) != wanted:
            return  # e.g. one question of a quiz completed: not the session
        now = self.context.now()
        status = session_status(session, now, Timeouts.of(self.context.settings))
        try:
            if check_transition(status, action):
                apply_transition(connection, session, status, action, now)
        except BusinessRuleError:
            return  # a transition the lifecycle lacks: the statement stays a statement

    # -- statement -> portal answer -----------------------------------------------------------

    def _answer_of(self, statement: Mapping[str, Any]) -> tuple[int, str, bool] | None:
        """(word id, registration, correct) when the statement is a word's answer."""
        if statement["verb"]["id"] != ANSWERED:
            return None
        obj = statement["object"]
        if parts.object_type(obj) != "Activity":
            return None
        match = self.iris.word_pattern.match(str(obj["id"]))
        registration = (statement.get("context") or {}).get("registration")
        success = (statement.get("result") or {}).get("success")
        if match is None or not registration or not isinstance(success, bool):
            return None
        return int(match.group(1)), str(registration).lower(), success

    def _context_ids(self, statement: Mapping[str, Any], pattern: re.Pattern[str]) -> list[int]:
        found = []
        for activities in parts.context_activity_lists(statement.get("context")):
            for activity in activities:
                match = pattern.match(str(activity.get("id", "")))
                if match is not None:
                    found.append(int(match.group(1)))
        return found

    def _session_for(
        self,
        connection: sqlite3.Connection,
        statement: Mapping[str, Any],
        word_id: int,
        registration: str,
    ) -> int:
        session_id = repo.session_id_by_registration(connection, registration)
        if session_id is not None:
            return session_id
        groups = [
            g
            for g in self._context_ids(statement, self.iris.group_pattern)
            if repo.group_exists(connection, g)
        ]
        group_id = groups[0] if groups else repo.first_group_of_word(connection, word_id)
        if group_id is None:
            raise XapiBadRequest(
                f"registration {registration} names no study session, and no group to start one "
                f"in: name a group ({self.iris.base}groups/ID) in contextActivities"
            )
        activities = [
            a
            for a in self._context_ids(statement, self.iris.study_activity_pattern)
            if repo.activity_exists(connection, a)
        ]
        activity_id = activities[0] if activities else repo.first_activity(connection)
        if activity_id is None:
            raise XapiBadRequest("no study activity exists to start a session for this answer in")
        return session_repo.insert_session(
            connection, group_id, activity_id, self.context.now_stored(), registration
        )

    def record_statement(
        self, connection: sqlite3.Connection, statement: Mapping[str, Any]
    ) -> int | None:
        answer = self._answer_of(statement)
        if answer is None:
            self._apply_lifecycle(connection, statement)
            return None
        word_id, registration, correct = answer
        session_id = self._session_for(connection, statement, word_id, registration)
        result = statement.get("result") or {}
        duration = duration_ms(result.get("duration"))
        (recorded,) = self.pipeline.record(
            connection,
            [
                Answer(
                    session_id,
                    word_id,
                    correct,
                    duration,
                    source="xapi",
                    response=learner_response(result.get("response")),
                )
            ],
        )
        return recorded.review_id

    def retract_review(self, connection: sqlite3.Connection, review_id: int) -> None:
        self.pipeline.retract(connection, review_id)
