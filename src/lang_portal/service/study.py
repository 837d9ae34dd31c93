"""The launchpad and the learning record store: activities, sessions and review answers."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lang_portal.clock import to_stored
from lang_portal.database import data_version
from lang_portal.errors import NotFoundError
from lang_portal.memo import VersionMemo
from lang_portal.models.common import PageRequest, Pagination
from lang_portal.models.study import Launch, StudyActivity, StudySession
from lang_portal.models.words import WordItem
from lang_portal.repository import activities as activity_repo
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.service.answers import Answer, AnswerPipeline, RecordedAnswer
from lang_portal.service.context import ServiceContext, pagination_for
from lang_portal.service.lifecycle import (
    Action,
    SessionState,
    SessionStatus,
    Timeouts,
    check_transition,
    session_status,
)
from lang_portal.service.word_items import word_items

DEFAULT_PORTS = {"http": 80, "https": 443}

if TYPE_CHECKING:
    from lang_portal.service.optimizer import SrsOptimizer


def activity_item(row: sqlite3.Row) -> StudyActivity:
    return StudyActivity(
        row["id"], row["name"], row["thumbnail_url"], row["description"], row["launch_url"]
    )


def origin_of(url: str) -> str | None:
    """The origin a browser sends for pages at `url` (`http://host:port`); None if relative."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    try:
        port = parts.port
    except ValueError:
        return None
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def launch_url_for(base_url: str, group_id: int, session_id: int) -> str:
    """The activity's URL with `group_id` and `session_id` added to whatever query it has."""
    parts = urlsplit(base_url)
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key not in ("group_id", "session_id")
    ]
    query += [("group_id", str(group_id)), ("session_id", str(session_id))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def apply_transition(
    connection: sqlite3.Connection,
    row: sqlite3.Row,
    status: SessionStatus,
    action: Action,
    now: datetime,
) -> None:
    """Store a transition `check_transition` allowed, in the caller's write transaction."""
    stored = to_stored(now)
    session_id = row["id"]
    if action is Action.PAUSE:
        session_repo.set_paused(connection, session_id, stored)
        return
    # the time away (a pause, or the idle time of an expired session) is no study time
    if status.state is SessionState.PAUSED:
        session_repo.add_break(connection, session_id, row["paused_at"], stored)
    elif status.state is SessionState.EXPIRED and action is Action.RESUME:
        session_repo.add_break(connection, session_id, to_stored(status.last_activity), stored)
    if action is Action.RESUME:
        session_repo.set_resumed(connection, session_id, stored)
    else:
        session_repo.set_completed(connection, session_id, stored)


# Writes the statement of a portal transition (xapi/answers.py sets it), in its transaction.
LifecycleWriter = Callable[[sqlite3.Connection, sqlite3.Row, Action, datetime], None]


class StudyService:
    def __init__(
        self,
        context: ServiceContext,
        answers: AnswerPipeline,
        optimizer: SrsOptimizer | None = None,
    ) -> None:
        self.context = context
        self.db = context.db
        self.answers = answers
        self.optimizer = optimizer
        self._origins: VersionMemo[str, frozenset[str]] = VersionMemo(budget=1)
        self.timeouts = Timeouts.of(context.settings)
        self.lifecycle_writer: LifecycleWriter | None = None

    # -- activities ----------------------------------------------------------------------------

    def list_activities(self, page: PageRequest) -> tuple[list[StudyActivity], Pagination]:
        with self.db.snapshot() as connection:
            total = activity_repo.count_activities(connection)
            rows = activity_repo.list_activities(connection, page)
        return [activity_item(row) for row in rows], pagination_for(page, total)

    def all_activities(self) -> list[StudyActivity]:
        with self.db.read() as connection:
            rows = activity_repo.all_activities(connection)
        return [activity_item(row) for row in rows]

    def activity_origins(self) -> frozenset[str]:
        """The origins of the activities' absolute launch URLs (apps on other origins)."""
        with self.db.read() as connection:
            return self._origins.get_or_compute(
                "activity_origins",
                data_version(connection),
                lambda: frozenset(
                    origin
                    for origin in map(origin_of, activity_repo.launch_urls(connection))
                    if origin is not None
                ),
            )

    def get_activity(self, activity_id: int) -> StudyActivity:
        with self.db.read() as connection:
            row = activity_repo.get_activity(connection, activity_id)
        if row is None:
            raise NotFoundError.of("study activity", activity_id)
        return activity_item(row)

    # -- sessions ------------------------------------------------------------------------------

    def session_item(self, row: sqlite3.Row, now: datetime | None = None) -> StudySession:
        status = session_status(row, now or self.context.now(), self.timeouts)
        api_datetime = self.context.api_datetime
        return StudySession(
            id=row["id"],
            group_id=row["group_id"],
            group_name=row["group_name"],
            study_activity_id=row["study_activity_id"],
            activity_name=row["activity_name"],
            start_time=self.context.api_time(row["created_at"]) or "",
            end_time=self.context.api_time(row["ended_at"]),
            review_items_count=row["review_items_count"],
            state=status.state.value,
            last_activity_at=api_datetime(status.last_activity) or "",
            warn_at=api_datetime(status.warn_at),
            expires_at=api_datetime(status.expires_at),
            resumable_until=api_datetime(status.resumable_until),
            paused_at=self.context.api_time(row["paused_at"]),
            completed_at=self.context.api_time(row["completed_at"]),
        )

    def list_sessions(
        self,
        page: PageRequest,
        *,
        group_id: int | None = None,
        activity_id: int | None = None,
    ) -> tuple[list[StudySession], Pagination]:
        filter_by, filter_value = None, None
        with self.db.snapshot() as connection:
            if group_id is not None:
                if group_repo.get_group(connection, group_id) is None:
                    raise NotFoundError.of("group", group_id)
                filter_by, filter_value = "group_id", group_id
            elif activity_id is not None:
                if activity_repo.get_activity(connection, activity_id) is None:
                    raise NotFoundError.of("study activity", activity_id)
                filter_by, filter_value = "study_activity_id", activity_id
            total = session_repo.count_sessions(
                connection, filter_by=filter_by, filter_value=filter_value
            )
            rows = session_repo.list_sessions(
                connection, page, filter_by=filter_by, filter_value=filter_value
            )
        now = self.context.now()
        return [self.session_item(row, now) for row in rows], pagination_for(page, total)

    def get_session(self, session_id: int) -> StudySession:
        with self.db.read() as connection:
            row = session_repo.get_session(connection, session_id)
        if row is None:
            raise NotFoundError.of("study session", session_id)
        return self.session_item(row)

    def session_words(
        self, session_id: int, page: PageRequest
    ) -> tuple[list[WordItem], Pagination]:
        with self.db.snapshot() as connection:
            if session_repo.get_session(connection, session_id) is None:
                raise NotFoundError.of("study session", session_id)
            total = session_repo.count_session_words(connection, session_id)
            rows = session_repo.list_session_words(connection, session_id, page)
            items = word_items(connection, rows)
        return items, pagination_for(page, total)

    def create_session(self, group_id: int, activity_id: int) -> StudySession:
        with self.db.write() as connection:
            row = self._insert_session(connection, group_id, activity_id)
        return self.session_item(row)

    def launch(self, activity_id: int, group_id: int) -> Launch:
        """Start a session for the activity and give the URL that opens the app on it."""
        with self.db.write() as connection:
            row = self._insert_session(connection, group_id, activity_id)
            activity = activity_repo.get_activity(connection, activity_id)
        assert activity is not None
        return Launch(
            study_session_id=row["id"],
            group_id=group_id,
            study_activity_id=activity_id,
            launch_url=launch_url_for(activity["launch_url"], group_id, row["id"]),
            session=self.session_item(row),
        )

    def _insert_session(
        self, connection: sqlite3.Connection, group_id: int, activity_id: int
    ) -> sqlite3.Row:
        if group_repo.get_group(connection, group_id) is None:
            raise NotFoundError.of("group", group_id)
        if activity_repo.get_activity(connection, activity_id) is None:
            raise NotFoundError.of("study activity", activity_id)
        session_id = session_repo.insert_session(
            connection, group_id, activity_id, self.context.now_stored(), str(uuid.uuid4())
        )
        row = session_repo.get_session(connection, session_id)
        assert row is not None
        return row

    # -- the lifecycle (service/lifecycle.py) ----------------------------------------------------

    def pause(self, session_id: int) -> StudySession:
        return self._transition(session_id, Action.PAUSE)

    def resume(self, session_id: int) -> StudySession:
        return self._transition(session_id, Action.RESUME)

    def complete(self, session_id: int) -> StudySession:
        return self._transition(session_id, Action.COMPLETE)

    def _transition(self, session_id: int, action: Action) -> StudySession:
        """Apply a lifecycle action; asking for the state the session is in changes nothing."""
        with self.db.write() as connection:
            row = session_repo.get_session(connection, session_id)
            if row is None:
                raise NotFoundError.of("study session", session_id)
            now = self.context.now()
            status = session_status(row, now, self.timeouts)
            if check_transition(status, action, self.context.api_datetime):
                apply_transition(connection, row, status, action, now)
                if self.lifecycle_writer is not None:
                    self.lifecycle_writer(connection, row, action, now)
                row = session_repo.get_session(connection, session_id)
                assert row is not None
        return self.session_item(row, now)

    # -- reviews -------------------------------------------------------------------------------

    def record_review(
        self, session_id: int, word_id: int, correct: bool, duration_ms: int | None = None
    ) -> RecordedAnswer:
        return self.record_reviews([Answer(session_id, word_id, correct, duration_ms)])[0]

    def record_reviews(
        self,
        answers: Sequence[Answer],
        *,
        idempotency_key: str | None = None,
        scope: str = "",
    ) -> list[RecordedAnswer]:
        """Store answers in one transaction: all of them, or none if any is refused.

        Answers arriving together share one commit (group commit): at the default
        `synchronous=full` the fsync of each commit, not the work, bounds answers per second.
        """
        recorded = self.db.write_grouped(
            lambda connection: self.answers.record_once(
                connection, answers, idempotency_key=idempotency_key, scope=scope
            )
        )
        if self.optimizer is not None and recorded:
            # after the commit: a refit starts in the background, never in the answer's way
            self.optimizer.after_answers(max(item.review_id for item in recorded))
        return recorded
