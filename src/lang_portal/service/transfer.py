"""Export and import (spec, "Data Export and Import"): the study history as JSON, words as CSV.

Imports check every row first and report each bad one by its place and reason; only a file
with no problem is written, in one transaction. A history import then rebuilds the scheduling
state and the summaries by replaying the whole history in time order.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from lang_portal.clock import from_stored, to_stored
from lang_portal.errors import InvalidInputError, ValidationFailedError
from lang_portal.models.transfer import HistoryImportReport, WordImportReport
from lang_portal.models.validation import (
    clean_english,
    clean_group_name,
    clean_japanese,
    clean_romaji,
)
from lang_portal.repository import activities as activity_repo
from lang_portal.repository import answers as answer_repo
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import transfer as transfer_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.answers import AnswerPipeline
from lang_portal.service.context import ServiceContext
from lang_portal.service.summaries import STATS_ZONE_KEY

FORMAT_VERSION = "1.0"
CSV_COLUMNS = ["japanese", "romaji", "english", "tags"]
RESULTS = {"correct": True, "wrong": False, "incorrect": False}
MAX_REPORTED_PROBLEMS = 200


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 date-time string")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("needs a time zone offset (e.g. Z)")
    return moment.astimezone(UTC)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): the
# export quotes such a cell with a leading apostrophe, and the import takes it off again.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def _records(reader: Any, problems: Problems) -> Iterator[list[str]]:
    """The reader's rows, up to a line the csv module cannot parse (a bare carriage return
    in an unquoted field raised out of the import as a 500)."""
    try:
        yield from reader
    except csv.Error as exc:
        problems.add({"line": reader.line_num}, f"not valid CSV: {exc}")


class Problems:
    """Every problem found in a file, each with where it is and why."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, where: dict[str, Any], reason: str) -> None:
        self.items.append({**where, "reason": reason})

    def check(self, where: dict[str, Any], clean: Callable[[Any], Any], value: Any) -> Any:
        try:
            if not isinstance(value, str):
                raise ValueError("must be a string")
            return clean(value)
        except ValueError as exc:
            self.add(where, str(exc))
            return None

    def raise_if_any(self, what: str) -> None:
        if self.items:
            raise ValidationFailedError(
                f"{what} refused: {len(self.items)} problem(s); nothing was imported",
                {"errors": self.items[:MAX_REPORTED_PROBLEMS], "error_count": len(self.items)},
            )


class TransferService:
    def __init__(self, context: ServiceContext, answers: AnswerPipeline) -> None:
        self.context = context
        self.db = context.db
        self.answers = answers

    # -- words as CSV --------------------------------------------------------------------------

    def export_words_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        with self.db.snapshot() as connection:
            for row in transfer_repo.words_with_tags(connection):
                tags = ",".join(orjson.loads(row["tags"]))
                writer.writerow(
                    [
                        _cell(row["japanese"]),
                        _cell(row["romaji"]),
                        _cell(row["english"]),
                        _cell(tags),
                    ]
                )
        return out.getvalue()

    def import_words_csv(self, text: str) -> WordImportReport:
        problems = Problems()
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header = next(_records(reader, problems), None)
        if header is None or [name.strip().lower() for name in header] != CSV_COLUMNS:
            problems.add({"line": 1}, f"the header must be {','.join(CSV_COLUMNS)}")
            problems.raise_if_any("word list")
        rows: list[tuple[int, dict[str, Any], list[str]]] = []
        for record in _records(reader, problems):
            line = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(CSV_COLUMNS):
                problems.add({"line": line}, f"expected 4 columns, found {len(record)}")
                continue
            where = {"line": line}
            record = [_uncell(cell) for cell in record]
            fields = {
                "japanese": problems.check(
                    {**where, "field": "japanese"}, clean_japanese, record[0]
                ),
                "romaji": problems.check({**where, "field": "romaji"}, clean_romaji, record[1]),
                "english": problems.check({**where, "field": "english"}, clean_english, record[2]),
                "parts": None,
            }
            tags = [
                problems.check({**where, "field": "tags"}, clean_group_name, tag)
                for tag in record[3].split(",")
                if tag.strip()
            ]
            rows.append((line, fields, [tag for tag in tags if tag is not None]))
        problems.raise_if_any("word list")
        now = self.context.now_stored()
        report = WordImportReport(
            rows=len(rows), words_added=0, groups_added=0, memberships_added=0
        )
        with self.db.write() as connection:
            for line, fields, tags in rows:
                report.words_added += word_repo.insert_word_if_new(connection, fields, now)
                word_id = word_repo.find_word_id(connection, fields["japanese"], fields["english"])
                assert word_id is not None
                for tag in tags:
                    self._add_membership(
                        connection, tag, word_id, now, {"line": line}, problems, report
                    )
            # a refused membership rolls the whole file back
            problems.raise_if_any("word list")
        return report

    def _add_membership(
        self,
        connection: sqlite3.Connection,
        group_name: str,
        word_id: int,
        now: str,
        where: dict[str, Any],
        problems: Problems,
        report: WordImportReport | HistoryImportReport,
    ) -> None:
        settings = self.context.settings
        group_id = group_repo.find_group_id(connection, group_name)
        if group_id is None:
            if group_repo.count_groups(connection) >= settings.max_groups:
                problems.add(
                    where, f"group {group_name!r} would exceed {settings.max_groups} groups"
                )
                return
            group_id = group_repo.insert_group(connection, group_name, now)
            report.groups_added += 1
        if group_repo.has_word(connection, group_id, word_id):
            return
        group = group_repo.get_group(connection, group_id)
        if group is not None and group["word_count"] >= settings.max_words_per_group:
            problems.add(
                where,
                f"group {group_name!r} already holds {settings.max_words_per_group} words",
            )
            return
        group_repo.add_word(connection, group_id, word_id, now)
        report.memberships_added += 1

    # -- the study history as JSON -------------------------------------------------------------

    def export_history(self) -> dict[str, Any]:
        """The spec's format, plus the words, groups and activities it refers to.

        Reads the whole history: an export is a file download, not a dashboard request.
        """
        with self.db.snapshot() as connection:
            activities = activity_repo.all_activities(connection)
            words = list(transfer_repo.words_with_tags(connection))
            groups = transfer_repo.group_names(connection)
            sessions = transfer_repo.sessions_in_order(connection)
            reviews: dict[int, list[dict[str, Any]]] = {}
            for row in transfer_repo.reviews_in_order(connection):
                reviews.setdefault(row["study_session_id"], []).append(
                    {
                        "japanese": row["japanese"],
                        "english": row["english"],
                        "result": "correct" if row["correct"] else "wrong",
                        "time_spent": None
                        if row["duration_ms"] is None
                        else row["duration_ms"] / 1000,
                        "reviewed_at": _stored_to_text(row["created_at"]),
                    }
                )
        return {
            "format_version": FORMAT_VERSION,
            "export_date": _utc_text(self.context.now()),
            "study_activities": [
                {
                    "name": row["name"],
                    "launch_url": row["launch_url"],
                    "thumbnail_url": row["thumbnail_url"],
                    "description": row["description"],
                }
                for row in activities
            ],
            "groups": groups,
            "words": [
                {
                    "japanese": row["japanese"],
                    "romaji": row["romaji"],
                    "english": row["english"],
                    "parts": None if row["parts"] is None else orjson.loads(row["parts"]),
                    "tags": orjson.loads(row["tags"]),
                }
                for row in words
            ],
            "study_sessions": [
                {
                    "id": f"session_{row['id']}",
                    "date": _stored_to_text(row["created_at"]),
                    "end_date": None
                    if row["ended_at"] is None
                    else _stored_to_text(row["ended_at"]),
                    "group": row["group_name"],
                    "study_activity": row["activity_name"],
                    "words": reviews.get(row["id"], []),
                }
                for row in sessions
            ],
        }

    def import_history(self, document: Any) -> HistoryImportReport:
        problems = Problems()
        if not isinstance(document, dict):
            raise InvalidInputError("the history must be a JSON object")
        if str(document.get("format_version")) not in ("1", "1.0"):
            problems.add({"path": "format_version"}, f"must be {FORMAT_VERSION!r}")
        activities = self._parse_activities(document.get("study_activities", []), problems)
        words = self._parse_words(document.get("words", []), problems)
        group_names = self._parse_list(document.get("groups", []), "groups", problems)
        sessions = document.get("study_sessions")
        if not isinstance(sessions, list):
            problems.add({"path": "study_sessions"}, "must be a list")
            sessions = []
        problems.raise_if_any("history")
        now = self.context.now_stored()
        report = HistoryImportReport(0, 0, 0, 0, 0, 0, reviews_replayed=0)
        with self.db.write() as connection:
            for activity in activities:
                report.study_activities_added += activity_repo.upsert_activity(
                    connection, activity, now
                )
            for index, name in enumerate(group_names):
                if name is not None and group_repo.find_group_id(connection, name) is None:
                    self._add_group(
                        connection, name, now, {"path": f"groups[{index}]"}, problems, report
                    )
            for index, (fields, tags) in enumerate(words):
                report.words_added += word_repo.insert_word_if_new(connection, fields, now)
                word_id = word_repo.find_word_id(connection, fields["japanese"], fields["english"])
                assert word_id is not None
                for tag in tags:
                    self._add_membership(
                        connection,
                        tag,
                        word_id,
                        now,
                        {"path": f"words[{index}].tags"},
                        problems,
                        report,
                    )
            for index, session in enumerate(sessions):
                self._import_session(
                    connection, session, f"study_sessions[{index}]", problems, report
                )
            problems.raise_if_any("history")
            report.reviews_replayed = self.answers.rebuild(connection)
            session_repo.set_meta(connection, STATS_ZONE_KEY, self.context.settings.timezone)
        return report

    def _add_group(
        self,
        connection: sqlite3.Connection,
        name: str,
        now: str,
        where: dict[str, Any],
        problems: Problems,
        report: HistoryImportReport,
    ) -> None:
        if group_repo.count_groups(connection) >= self.context.settings.max_groups:
            problems.add(where, f"would exceed {self.context.settings.max_groups} groups")
            return
        group_repo.insert_group(connection, name, now)
        report.groups_added += 1

    def _parse_list(self, value: Any, path: str, problems: Problems) -> list[str | None]:
        if not isinstance(value, list):
            problems.add({"path": path}, "must be a list")
            return []
        return [
            problems.check({"path": f"{path}[{index}]"}, clean_group_name, item)
            for index, item in enumerate(value)
        ]

    def _parse_activities(self, value: Any, problems: Problems) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            problems.add({"path": "study_activities"}, "must be a list")
            return []
        parsed = []
        for index, item in enumerate(value):
            path = f"study_activities[{index}]"
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not (isinstance(item.get("launch_url"), str))
            ):
                problems.add({"path": path}, "needs a name and a launch_url")
                continue
            # Anything but text here reached SQLite as a list, object or 65-bit number (a 500).
            for optional in ("thumbnail_url", "description"):
                if not isinstance(item.get(optional), str | None):
                    problems.add({"path": f"{path}.{optional}"}, "must be a string or null")
            parsed.append(item)
        return parsed

    def _parse_words(
        self, value: Any, problems: Problems
    ) -> list[tuple[dict[str, Any], list[str]]]:
        if not isinstance(value, list):
            problems.add({"path": "words"}, "must be a list")
            return []
        parsed = []
        for index, item in enumerate(value):
            path = f"words[{index}]"
            if not isinstance(item, dict):
                problems.add({"path": path}, "must be an object")
                continue
            before = len(problems.items)
            fields = {
                "japanese": problems.check(
                    {"path": f"{path}.japanese"}, clean_japanese, item.get("japanese")
                ),
                "romaji": problems.check(
                    {"path": f"{path}.romaji"}, clean_romaji, item.get("romaji")
                ),
                "english": problems.check(
                    {"path": f"{path}.english"}, clean_english, item.get("english")
                ),
                "parts": None
                if item.get("parts") is None
                else orjson.dumps(item["parts"]).decode("utf-8"),
            }
            tags = self._parse_list(item.get("tags", []), f"{path}.tags", problems)
            if len(problems.items) == before:
                parsed.append((fields, [tag for tag in tags if tag is not None]))
        return parsed

    def _import_session(
        self,
        connection: sqlite3.Connection,
        session: Any,
        path: str,
        problems: Problems,
        report: HistoryImportReport,
    ) -> None:
        if not isinstance(session, dict):
            problems.add({"path": path}, "must be an object")
            return
        try:
            start = _parse_time(session.get("date"))
        except ValueError as exc:
            problems.add({"path": f"{path}.date"}, str(exc))
            return
        group_id = None
        if isinstance(session.get("group"), str):
            group_id = group_repo.find_group_id(connection, session["group"])
        if group_id is None:
            problems.add({"path": f"{path}.group"}, "names no group in the file or the database")
        activity_id = None
        if isinstance(session.get("study_activity"), str):
            activity_id = transfer_repo.activity_id_by_name(connection, session["study_activity"])
        if activity_id is None:
            problems.add(
                {"path": f"{path}.study_activity"},
                "names no study activity in the file or the database",
            )
        entries = session.get("words")
        if not isinstance(entries, list):
            problems.add({"path": f"{path}.words"}, "must be a list")
            return
        answers = [
            self._parse_answer(connection, entry, f"{path}.words[{index}]", start, problems)
            for index, entry in enumerate(entries)
        ]
        if group_id is None or activity_id is None or any(a is None for a in answers):
            return
        session_id = session_repo.insert_session(
            connection, group_id, activity_id, to_stored(start), str(uuid.uuid4())
        )
        last = None
        for answer in answers:
            assert answer is not None
            word_id, correct, duration_ms, moment = answer
            answer_repo.insert_review(
                connection, session_id, word_id, correct, duration_ms, to_stored(moment), "import"
            )
            last = to_stored(moment)
            report.reviews += 1
        transfer_repo.set_session_times(connection, session_id, to_stored(start), last)
        report.sessions += 1

    def _parse_answer(
        self,
        connection: sqlite3.Connection,
        entry: Any,
        path: str,
        start: datetime,
        problems: Problems,
    ) -> tuple[int, bool, int | None, datetime] | None:
        if not isinstance(entry, dict):
            problems.add({"path": path}, "must be an object")
            return None
        word_id = self._find_word(connection, entry, path, problems)
        result = entry.get("result")
        if not isinstance(result, str) or result not in RESULTS:  # a list is unhashable
            result = None
            problems.add({"path": f"{path}.result"}, "must be 'correct' or 'wrong'")
        spent = entry.get("time_spent")
        if spent is not None and (
            isinstance(spent, bool)
            or not isinstance(spent, int | float)
            or not 0 <= spent <= 86_400
        ):
            problems.add({"path": f"{path}.time_spent"}, "must be seconds from 0 to 86400, or null")
            spent = None
        moment = start
        if entry.get("reviewed_at") is not None:
            try:
                moment = _parse_time(entry["reviewed_at"])
            except ValueError as exc:
                problems.add({"path": f"{path}.reviewed_at"}, str(exc))
                return None
        if word_id is None or result not in RESULTS:
            return None
        duration_ms = None if spent is None else round(spent * 1000)
        return word_id, RESULTS[result], duration_ms, moment

    def _find_word(
        self, connection: sqlite3.Connection, entry: dict[str, Any], path: str, problems: Problems
    ) -> int | None:
        japanese = entry.get("japanese")
        if not isinstance(japanese, str):
            problems.add({"path": f"{path}.japanese"}, "must be a string")
            return None
        english = entry.get("english")
        if isinstance(english, str):
            word_id = word_repo.find_word_id(connection, japanese, english)
            if word_id is None:
                problems.add({"path": path}, f"no word {japanese!r} meaning {english!r}")
            return word_id
        candidates = transfer_repo.word_ids_by_japanese(connection, japanese)
        if len(candidates) != 1:
            reason = "no such word" if not candidates else "several words match; give english"
            problems.add({"path": f"{path}.japanese"}, f"{japanese!r}: {reason}")
            return None
        return candidates[0]


def _stored_to_text(stored: str) -> str:
    return _utc_text(from_stored(stored))
