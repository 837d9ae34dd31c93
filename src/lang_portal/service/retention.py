"""Retention: old study sessions move out of the live tables into compressed archive files.

Off by default (RETENTION_ENABLED): the learning record is what the product keeps. When on, the
sessions idle for more than RETENTION_SESSION_DAYS, with their answers, are written to
`ARCHIVE_PATH/sessions-<time>.json.gz` in the history export format (plus what a restore needs
to put them back as they were: ids, sources, and each session's lifecycle and breaks), and
leave `study_sessions`, `word_review_items`, `study_session_words` and `study_session_breaks`
in the same transaction as the file is recorded.

Every figure derived from the history stays exactly as it was: the derived tables are not
touched, and for a later rebuild (an import, an upgrade, a time zone change) the database keeps,
per archived answer, what the derivation reads (word, activity, time, result, grade, duration) in
`archived_answers`, with each archived session in `archived_sessions` (for the dashboard's
session and group counts). `AnswerPipeline.rebuild` replays those with the live answers, in time
order; only the figures of the sessions themselves (their counters and word lists) left with
them, and come back with `restore`.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from lang_portal.clock import from_stored, to_stored
from lang_portal.repository import maintenance as maintenance_repo
from lang_portal.service.answers import GRADE_NAMES
from lang_portal.service.context import ServiceContext

logger = logging.getLogger("lang_portal.retention")

# 1.1: each session keeps its lifecycle (`lifecycle`, `paused_at`, `resumed_at`,
# `completed_at`) and its `breaks`; a 1.0 file restores its sessions as open, with no breaks
ARCHIVE_FORMAT_VERSION = "1.1"
LIFECYCLES = ("open", "paused", "completed")
ARCHIVE_PREFIX = "sessions-"
ARCHIVE_SUFFIX = ".json.gz"
# sessions per archive file at most (its move is one write transaction: keep it short); a
# bigger backlog is archived over several runs
MAX_SESSIONS_PER_ARCHIVE = 1000


class ArchiveError(Exception):
    """An archive cannot be written or restored; the message says why."""


@dataclass(frozen=True)
class ArchiveResult:
    path: Path | None
    sessions: int
    reviews: int


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    sessions: int
    reviews: int
    skipped_sessions: int  # whose group, activity or words were deleted since


def _text(stored: str | None) -> str | None:
    if stored is None:
        return None
    return from_stored(stored).astimezone(UTC).isoformat().replace("+00:00", "Z")


class RetentionService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    @property
    def directory(self) -> Path:
        return self.context.settings.archive_path

    def archive_old_sessions(
        self, *, force: bool = False, before_move: Callable[[], None] | None = None
    ) -> ArchiveResult:
        """Archive the sessions idle for more than RETENTION_SESSION_DAYS.

        Does nothing unless RETENTION_ENABLED (or `force`, for `lang-portal maintenance run
        retention --force`). `before_move` runs once the file is written, before the move: a
        task's deadline check, which drops the file if it raises."""
        settings = self.context.settings
        if not (settings.retention_enabled or force):
            return ArchiveResult(None, 0, 0)
        now = self.context.now()
        cutoff = to_stored(now - timedelta(days=settings.retention_session_days))
        self.directory.mkdir(parents=True, exist_ok=True)
        db = self.context.db
        name = f"{ARCHIVE_PREFIX}{now.astimezone(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
        # Read and write the file outside the write lock (compressing takes a while); the
        # short write transaction after it checks that nothing changed meanwhile.
        with db.snapshot() as connection:
            ids = maintenance_repo.sessions_idle_before(connection, cutoff)[
                :MAX_SESSIONS_PER_ARCHIVE
            ]
            if not ids:
                return ArchiveResult(None, 0, 0)
            document, reviews = self._document(connection, ids, cutoff, name)
        path = self._write(name, document)
        try:
            if before_move is not None:
                before_move()
            with db.write() as connection:
                if maintenance_repo.archive_size(connection, ids) != (len(ids), reviews):
                    raise ArchiveError("the sessions changed while they were archived")
                maintenance_repo.record_archive(
                    connection,
                    name=name,
                    created_at=to_stored(now),
                    cutoff=cutoff,
                    sessions=len(ids),
                    reviews=reviews,
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                )
                maintenance_repo.move_to_ledger(connection, ids, name)
        except BaseException:
            path.unlink(missing_ok=True)  # rolled back: no file without its rows
            raise
        logger.info(
            "archived old sessions",
            extra={"details": {"path": str(path), "sessions": len(ids), "reviews": reviews}},
        )
        return ArchiveResult(path, len(ids), reviews)

    def _document(
        self, connection: sqlite3.Connection, ids: list[int], cutoff: str, name: str
    ) -> tuple[dict[str, Any], int]:
        sessions = maintenance_repo.sessions_for_archive(connection, ids)
        breaks = maintenance_repo.breaks_for_archive(connection, ids)
        answers: dict[int, list[dict[str, Any]]] = {}
        count = 0
        for row in maintenance_repo.reviews_for_archive(connection, ids):
            count += 1
            entry = {
                "japanese": row["japanese"],
                "english": row["english"],
                "result": "correct" if row["correct"] else "wrong",
                "time_spent": None if row["duration_ms"] is None else row["duration_ms"] / 1000,
                "reviewed_at": _text(row["created_at"]),
                "review_id": row["id"],
                "source": row["source"],
            }
            if row["grade"] is not None:  # as the history export writes it
                entry["grade"] = GRADE_NAMES[row["grade"]]
            if row["response"] is not None:
                entry["response"] = row["response"]
            answers.setdefault(row["study_session_id"], []).append(entry)
        document = {
            "format_version": ARCHIVE_FORMAT_VERSION,
            "export_date": _text(to_stored(self.context.now())),
            "archive": {"name": name, "cutoff": _text(cutoff)},
            "study_sessions": [
                {
                    "id": f"session_{row['id']}",
                    "date": _text(row["created_at"]),
                    "end_date": _text(row["ended_at"]),
                    "group": row["group_name"],
                    "study_activity": row["activity_name"],
                    "registration": row["registration"],
                    # the lifecycle as the history export writes it (docs/study-apps.md)
                    "lifecycle": row["lifecycle"],
                    "paused_at": _text(row["paused_at"]),
                    "resumed_at": _text(row["resumed_at"]),
                    "completed_at": _text(row["completed_at"]),
                    "breaks": [
                        {"start": _text(start), "end": _text(end)}
                        for start, end in breaks.get(row["id"], [])
                    ],
                    "words": answers.get(row["id"], []),
                }
                for row in sessions
            ],
        }
        return document, count

    def _write(self, name: str, document: dict[str, Any]) -> Path:
        path = self.directory / f"{name}{ARCHIVE_SUFFIX}"
        partial = path.with_name(path.name + ".partial")
        with gzip.open(partial, "wb", compresslevel=9) as handle:
            handle.write(orjson.dumps(document, option=orjson.OPT_INDENT_2))
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, path)
        return path

    def restore(self, path: Path) -> RestoreResult:
        """Put an archive's sessions and answers back into the live tables, as they were.

        The derived figures do not move (they never lost these answers); the sessions get back
        their counters and word lists. Sessions whose group or activity was deleted since are
        gone for good (deleting a group deletes its sessions), as are answers of deleted words.
        """
        try:
            raw = path.read_bytes()
            document = orjson.loads(gzip.decompress(raw))
            name = str(document["archive"]["name"])
            sessions = document["study_sessions"]
        except (OSError, EOFError, gzip.BadGzipFile, orjson.JSONDecodeError, KeyError) as exc:
            raise ArchiveError(f"{path}: not an archive written by lang-portal ({exc})") from exc
        except TypeError as exc:
            raise ArchiveError(f"{path}: not an archive written by lang-portal ({exc})") from exc
        restored = reviews = skipped = 0
        with self.context.db.write() as connection:
            known = maintenance_repo.find_archive(connection, name)
            if known is None:
                raise ArchiveError(f"{path}: archive {name} is not recorded in this database")
            if known["restored_at"] is not None:
                raise ArchiveError(f"{path}: archive {name} was restored on {known['restored_at']}")
            if known["sha256"] != hashlib.sha256(raw).hexdigest():
                raise ArchiveError(f"{path}: the file differs from the archive that was written")
            ledger_sessions = maintenance_repo.ledger_sessions(connection, name)
            ledger_answers = maintenance_repo.ledger_answers(connection, name)
            restored_ids: list[int] = []
            for session in sessions:
                original = int(str(session["id"]).removeprefix("session_"))
                ledger_id = ledger_sessions.get(original)
                if ledger_id is None:
                    skipped += 1
                    continue
                kept = [
                    entry for entry in session["words"] if int(entry["review_id"]) in ledger_answers
                ]
                session_id = maintenance_repo.restore_session(
                    connection,
                    {
                        "id": _free_id(connection, "study_sessions", original),
                        "ledger_id": ledger_id,
                        "ended_at": max(
                            (to_stored(_parse(e["reviewed_at"])) for e in kept), default=None
                        ),
                        "reviews": len(kept),
                        "correct": sum(1 for e in kept if e["result"] == "correct"),
                        **_lifecycle(session),
                    },
                )
                for entry in kept:
                    review_id = int(entry["review_id"])
                    maintenance_repo.restore_review(
                        connection,
                        {
                            "id": _free_id(connection, "word_review_items", review_id),
                            "ledger_id": ledger_answers[review_id],
                            "session_id": session_id,
                            "source": entry.get("source") or "portal",
                        },
                    )
                    reviews += 1
                restored_ids.append(session_id)
                restored += 1
            if restored_ids:
                maintenance_repo.rebuild_session_words(connection, restored_ids)
            maintenance_repo.drop_from_ledger(connection, name, self.context.now_stored())
        return RestoreResult(path, restored, reviews, skipped)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _stored(text: Any) -> str | None:
    return None if text is None else to_stored(_parse(str(text)))


def _lifecycle(session: dict[str, Any]) -> dict[str, Any]:
    """An archived session's lifecycle and breaks, in stored form (a 1.0 file has none)."""
    lifecycle = session.get("lifecycle") or "open"
    if lifecycle not in LIFECYCLES:
        raise ArchiveError(f"session {session.get('id')}: unknown lifecycle {lifecycle!r}")
    return {
        "lifecycle": lifecycle,
        **{
            name: _stored(session.get(name)) for name in ("paused_at", "resumed_at", "completed_at")
        },
        "breaks": [
            (to_stored(_parse(item["start"])), to_stored(_parse(item["end"])))
            for item in session.get("breaks") or []
        ],
    }


def _free_id(connection: sqlite3.Connection, table: str, wanted: int) -> int | None:
    """The row's old id when no live row has taken it since, else None (SQLite picks one)."""
    return None if maintenance_repo.id_taken(connection, table, wanted) else wanted
