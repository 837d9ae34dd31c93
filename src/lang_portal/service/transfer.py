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
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import IO, Any, Literal

import ijson
import orjson

from lang_portal.clock import from_stored, to_stored
from lang_portal.errors import InvalidInputError, ValidationFailedError
from lang_portal.i18n import Text, TextError
from lang_portal.models.transfer import HistoryImportReport, WordImportReport
from lang_portal.models.validation import (
    clean_english,
    clean_group_name,
    clean_japanese,
    clean_response,
    clean_romaji,
    clean_tag_name,
)
from lang_portal.repository import activities as activity_repo
from lang_portal.repository import answers as answer_repo
from lang_portal.repository import groups as group_repo
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import tags as tag_repo
from lang_portal.repository import transfer as transfer_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.answers import GRADE_NAMES, GRADES, AnswerPipeline
from lang_portal.service.context import ServiceContext
from lang_portal.service.summaries import STATS_ZONE_KEY
from lang_portal.service.tagging import apply_auto_tags

# 1.1: each word carries `groups` and `tags` (given by hand); in 1.0 its `tags` were its groups
FORMAT_VERSION = "1.1"
READABLE_VERSIONS = ("1", "1.0", "1.1")
# The spec's four columns, `tags` holding the tags given by hand separated by TAG_SEPARATOR
# (no tag name holds one), then the word's groups separated by commas. A file with only the
# first four columns is one exported before tags existed: its `tags` are group names.
CSV_COLUMNS = ["japanese", "romaji", "english", "tags", "groups"]
CSV_COLUMNS_BEFORE_TAGS = CSV_COLUMNS[:4]
TAG_SEPARATOR = ";"
RESULTS = {"correct": True, "wrong": False, "incorrect": False}
MAX_REPORTED_PROBLEMS = 200
# An imported answer may be this far ahead of the server's clock (the clocks of two machines).
CLOCK_SKEW = timedelta(minutes=5)
# An answer of the file: word id, right, duration ms, time, grade, response.
ParsedAnswer = tuple[int, bool, int | None, datetime, int | None, str | None]


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TextError("validation.date_time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TextError("validation.date_time") from exc
    if moment.tzinfo is None:
        raise TextError("validation.time_zone_offset")
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
        problems.add({"line": reader.line_num}, Text("import.csv_unreadable", detail=str(exc)))


def _problem(exc: ValueError) -> Text:
    """A refused value's reason: a rule's own message, else the error's (English) text."""
    if isinstance(exc, TextError):
        return exc.text
    return Text("import.invalid_value", detail=str(exc))


class Problems:
    """Every problem found in a file, each with where it is and why: the why a `Text`, put
    into the request's language with the rest of the error."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.count = 0

    def add(self, where: dict[str, Any], reason: Text) -> None:
        # all counted, the first MAX_REPORTED_PROBLEMS kept: a bad file of a million rows
        # must not fill the memory with its errors
        self.count += 1
        if len(self.items) < MAX_REPORTED_PROBLEMS:
            self.items.append({**where, "reason": reason})

    def check(self, where: dict[str, Any], clean: Callable[[Any], Any], value: Any) -> Any:
        try:
            if not isinstance(value, str):
                raise TextError("validation.string_required")
            return clean(value)
        except ValueError as exc:
            self.add(where, _problem(exc))
            return None

    def raise_if_any(self, what: Literal["word_list", "history"]) -> None:
        if self.count:
            raise ValidationFailedError(
                f"errors.validation.import_refused.{what}",
                {"errors": self.items, "error_count": self.count},
                count=self.count,
            )


class TransferService:
    def __init__(self, context: ServiceContext, answers: AnswerPipeline) -> None:
        self.context = context
        self.db = context.db
        self.answers = answers
        # (japanese, english) -> word id, while one import runs (imports hold the write lock)
        self._word_ids: dict[tuple[str, str], int | None] = {}

    # -- words as CSV --------------------------------------------------------------------------

    def export_words_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        with self.db.snapshot() as connection:
            for row in transfer_repo.words_with_groups_and_tags(connection):
                writer.writerow(
                    [
                        _cell(row["japanese"]),
                        _cell(row["romaji"]),
                        _cell(row["english"]),
                        _cell(TAG_SEPARATOR.join(orjson.loads(row["tags"]))),
                        _cell(",".join(orjson.loads(row["groups"]))),
                    ]
                )
        return out.getvalue()

    def import_words_csv(self, text: str) -> WordImportReport:
        problems = Problems()
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
        header = next(_records(reader, problems), None)
        names = [name.strip().lower() for name in header or []]
        if names not in (CSV_COLUMNS, CSV_COLUMNS_BEFORE_TAGS):
            problems.add(
                {"line": 1},
                Text(
                    "import.csv_header",
                    columns=",".join(CSV_COLUMNS),
                    old_columns=",".join(CSV_COLUMNS_BEFORE_TAGS),
                ),
            )
            problems.raise_if_any("word_list")
        with_tags = names == CSV_COLUMNS
        rows: list[tuple[int, dict[str, Any], list[str], list[str]]] = []
        for record in _records(reader, problems):
            line = reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue
            if len(record) != len(names):
                problems.add(
                    {"line": line},
                    Text("import.csv_columns", expected=len(names), found=len(record)),
                )
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
            group_cell = record[4] if with_tags else record[3]
            groups = [
                problems.check({**where, "field": "groups"}, clean_group_name, group)
                for group in group_cell.split(",")
                if group.strip()
            ]
            tags = (
                self._parse_tags(
                    record[3].split(TAG_SEPARATOR), {**where, "field": "tags"}, problems
                )
                if with_tags
                else []
            )
            rows.append((line, fields, [group for group in groups if group is not None], tags))
        problems.raise_if_any("word_list")
        now = self.context.now_stored()
        report = WordImportReport(
            rows=len(rows), words_added=0, groups_added=0, memberships_added=0
        )
        with self.db.write() as connection:
            for line, fields, groups, tags in rows:
                where = {"line": line}
                word_id = self._add_word(connection, fields, now, report)
                for group in groups:
                    self._add_membership(connection, group, word_id, now, where, problems, report)
                self._add_tags(connection, word_id, tags, now, where, problems, report)
            # a refused membership or tag rolls the whole file back
            problems.raise_if_any("word_list")
        return report

    def _add_word(
        self,
        connection: sqlite3.Connection,
        fields: dict[str, Any],
        now: str,
        report: WordImportReport | HistoryImportReport,
    ) -> int:
        """The word's id, the word added first (with its auto tags) when it is new."""
        added = word_repo.insert_word_if_new(connection, fields, now)
        word_id = word_repo.find_word_id(connection, fields["japanese"], fields["english"])
        assert word_id is not None
        if added:
            report.words_added += 1
            apply_auto_tags(connection, self.context.settings, word_id, fields, now)
        return word_id

    def _parse_tags(self, names: list[Any], where: dict[str, Any], problems: Problems) -> list[str]:
        """The tags to give by hand: cleaned, a reserved one refused; a rule's tags are left
        to the rules, which give them from the text."""
        settings = self.context.settings
        tags: list[str] = []
        for name in names:
            if isinstance(name, str) and not name.strip():
                continue
            tag = problems.check(
                where, lambda value: clean_tag_name(value, settings.max_tag_length), name
            )
            if tag is None or tag in settings.auto_tags:
                continue
            if tag in settings.reserved_tags:
                problems.add(where, Text("import.tag_reserved", tag=tag))
                continue
            tags.append(tag)
        return list(dict.fromkeys(tags))

    def _add_tags(
        self,
        connection: sqlite3.Connection,
        word_id: int,
        tags: list[str],
        now: str,
        where: dict[str, Any],
        problems: Problems,
        report: WordImportReport | HistoryImportReport,
    ) -> None:
        if not tags:
            return
        current = {row["name"] for row in tag_repo.word_tags(connection, word_id)}
        new = [tag for tag in tags if tag not in current]
        limit = self.context.settings.max_tags_per_word
        if tag_repo.count_manual_tags(connection, word_id) + len(new) > limit:
            problems.add(where, Text("import.too_many_tags", limit=limit))
            return
        for tag in new:
            tag_repo.add_word_tag(
                connection, word_id, tag_repo.ensure_tag(connection, tag, now), "manual", now
            )
            report.tags_added += 1

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
                    where,
                    Text("import.group_limit_named", group=group_name, limit=settings.max_groups),
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
                Text("import.group_full", group=group_name, limit=settings.max_words_per_group),
            )
            return
        group_repo.add_word(connection, group_id, word_id, now)
        report.memberships_added += 1

    # -- the study history as JSON -------------------------------------------------------------

    def export_history(self) -> dict[str, Any]:
        """The whole export as one object (for tests and small histories)."""
        return dict(orjson.loads(b"".join(self.export_history_chunks())))

    def export_history_chunks(self) -> Iterator[bytes]:
        """The spec's format, plus the words, groups and activities it refers to, as JSON in
        chunks: one session's answers in memory at a time, whatever the history's size. One
        snapshot of its own, so the file is consistent while answers keep coming."""
        out = _ChunkWriter()
        with self.db.private_snapshot() as connection:
            activities = [
                {
                    "name": row["name"],
                    "launch_url": row["launch_url"],
                    "thumbnail_url": row["thumbnail_url"],
                    "description": row["description"],
                }
                for row in activity_repo.all_activities(connection)
            ]
            head = {
                "format_version": FORMAT_VERSION,
                "export_date": _utc_text(self.context.now()),
                "study_activities": activities,
                "groups": transfer_repo.group_names(connection),
            }
            yield orjson.dumps(head)[:-1] + b',"words":['
            for row in transfer_repo.words_with_groups_and_tags(connection):
                word = {
                    "japanese": row["japanese"],
                    "romaji": row["romaji"],
                    "english": row["english"],
                    "parts": None if row["parts"] is None else orjson.loads(row["parts"]),
                    "groups": orjson.loads(row["groups"]),
                    "tags": orjson.loads(row["tags"]),
                }
                if (chunk := out.item(orjson.dumps(word))) is not None:
                    yield chunk
            yield out.end(b'],"study_sessions":[')
            for row in transfer_repo.sessions_in_order(connection):
                session = {
                    "id": f"session_{row['id']}",
                    "date": _stored_to_text(row["created_at"]),
                    "end_date": None
                    if row["ended_at"] is None
                    else _stored_to_text(row["ended_at"]),
                    "group": row["group_name"],
                    "study_activity": row["activity_name"],
                    "words": [
                        _review_entry(review)
                        for review in transfer_repo.session_reviews(connection, row["id"])
                    ],
                }
                for name in LIFECYCLE_TIMES:  # docs/study-apps.md, "Session lifecycle"
                    if row[name] is not None:
                        session[name] = _stored_to_text(row[name])
                # its pauses: a gap they explain between two answers is no expiry on import
                breaks = session_repo.session_breaks(connection, row["id"])
                if breaks:
                    session["breaks"] = [
                        {"start": _stored_to_text(start), "end": _stored_to_text(end)}
                        for start, end in breaks
                    ]
                if (chunk := out.item(orjson.dumps(session))) is not None:
                    yield chunk
            yield out.end(b"]}")

    def import_history(
        self, document: Any, progress: Callable[[int], None] | None = None
    ) -> HistoryImportReport:
        """A history given as an object (small histories, tests): `import_history_file`."""
        return self.import_history_file(io.BytesIO(orjson.dumps(document)), progress)

    def import_history_file(
        self, source: IO[bytes], progress: Callable[[int], None] | None = None
    ) -> HistoryImportReport:
        """Import a history export read from a file, all or nothing.

        Memory stays bounded whatever the file's size: the file is parsed as a stream, twice
        (first everything but the sessions, which refer to the words; then the sessions, one
        at a time), and the rebuild that follows replays in chunks.
        """
        problems = Problems()
        head, sessions_kind = _read_head(source)
        version = str(head.get("format_version"))
        if version not in READABLE_VERSIONS:
            problems.add(
                {"path": "format_version"},
                Text("import.format_version", versions=", ".join(READABLE_VERSIONS)),
            )
        activities = self._parse_activities(head.get("study_activities", []), problems)
        words = self._parse_words(head.get("words", []), problems, with_tags=version == "1.1")
        group_names = self._parse_list(head.get("groups", []), "groups", problems)
        if sessions_kind != "start_array":
            problems.add({"path": "study_sessions"}, Text("import.list"))
        problems.raise_if_any("history")
        del head
        now = self.context.now_stored()
        report = HistoryImportReport(0, 0, 0, 0, 0, 0, 0, 0, reviews_replayed=0)
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
            for index, (fields, groups, tags) in enumerate(words):
                word_id = self._add_word(connection, fields, now, report)
                for group in groups:
                    self._add_membership(
                        connection,
                        group,
                        word_id,
                        now,
                        {"path": f"words[{index}].groups"},
                        problems,
                        report,
                    )
                self._add_tags(
                    connection,
                    word_id,
                    tags,
                    now,
                    {"path": f"words[{index}].tags"},
                    problems,
                    report,
                )
            source.seek(0)
            sessions = ijson.items(source, "study_sessions.item", use_float=True)
            self._word_ids = {}
            for index, session in enumerate(sessions):
                self._import_session(
                    connection, session, f"study_sessions[{index}]", problems, report
                )
            self._word_ids = {}
            problems.raise_if_any("history")
            report.reviews_replayed = self.answers.rebuild(connection, progress)
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
            problems.add(where, Text("import.group_limit", limit=self.context.settings.max_groups))
            return
        group_repo.insert_group(connection, name, now)
        report.groups_added += 1

    def _parse_list(self, value: Any, path: str, problems: Problems) -> list[str | None]:
        if not isinstance(value, list):
            problems.add({"path": path}, Text("import.list"))
            return []
        return [
            problems.check({"path": f"{path}[{index}]"}, clean_group_name, item)
            for index, item in enumerate(value)
        ]

    def _parse_activities(self, value: Any, problems: Problems) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            problems.add({"path": "study_activities"}, Text("import.list"))
            return []
        parsed = []
        for index, item in enumerate(value):
            path = f"study_activities[{index}]"
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("name"), str)
                or not (isinstance(item.get("launch_url"), str))
            ):
                problems.add({"path": path}, Text("import.activity_fields"))
                continue
            # Anything but text here reached SQLite as a list, object or 65-bit number (a 500).
            for optional in ("thumbnail_url", "description"):
                if not isinstance(item.get(optional), str | None):
                    problems.add({"path": f"{path}.{optional}"}, Text("import.string_or_null"))
            parsed.append(item)
        return parsed

    def _parse_words(
        self, value: Any, problems: Problems, with_tags: bool
    ) -> list[tuple[dict[str, Any], list[str], list[str]]]:
        """Each word's fields, groups and tags given by hand. Before format 1.1 a word's
        `tags` were its groups."""
        if not isinstance(value, list):
            problems.add({"path": "words"}, Text("import.list"))
            return []
        parsed = []
        for index, item in enumerate(value):
            path = f"words[{index}]"
            if not isinstance(item, dict):
                problems.add({"path": path}, Text("import.object"))
                continue
            before = problems.count
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
            group_key = "groups" if with_tags else "tags"
            groups = self._parse_list(item.get(group_key, []), f"{path}.{group_key}", problems)
            tags: list[str] = []
            if with_tags:
                names = item.get("tags", [])
                if isinstance(names, list):
                    tags = self._parse_tags(names, {"path": f"{path}.tags"}, problems)
                else:
                    problems.add({"path": f"{path}.tags"}, Text("import.list"))
            if problems.count == before:
                parsed.append((fields, [group for group in groups if group is not None], tags))
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
            problems.add({"path": path}, Text("import.object"))
            return
        try:
            start = _parse_time(session.get("date"))
        except ValueError as exc:
            problems.add({"path": f"{path}.date"}, _problem(exc))
            return
        latest_allowed = self.context.now() + CLOCK_SKEW
        if start > latest_allowed:
            problems.add({"path": f"{path}.date"}, Text("import.session_in_future"))
            return
        group_id = None
        if isinstance(session.get("group"), str):
            group_id = group_repo.find_group_id(connection, session["group"])
        if group_id is None:
            problems.add({"path": f"{path}.group"}, Text("import.unknown_group"))
        activity_id = None
        if isinstance(session.get("study_activity"), str):
            activity_id = transfer_repo.activity_id_by_name(connection, session["study_activity"])
        if activity_id is None:
            problems.add(
                {"path": f"{path}.study_activity"},
                Text("import.unknown_activity"),
            )
        entries = session.get("words")
        if not isinstance(entries, list):
            problems.add({"path": f"{path}.words"}, Text("import.list"))
            return
        answers = [
            self._parse_answer(connection, entry, f"{path}.words[{index}]", start, problems)
            for index, entry in enumerate(entries)
        ]
        breaks = self._parse_breaks(session.get("breaks", []), start, f"{path}.breaks", problems)
        lifecycle = self._parse_lifecycle(session, start, path, problems)
        if group_id is None or activity_id is None or any(a is None for a in answers):
            return
        parsed = [a for a in answers if a is not None]
        if (
            breaks is None
            or lifecycle is None
            or not self._could_be_live(parsed, start, latest_allowed, path, problems, breaks)
        ):
            return
        stored_start = to_stored(start)
        session_id = transfer_repo.find_session(connection, group_id, activity_id, stored_start)
        already: Counter[tuple[int, str]] = Counter()
        added = session_id is None
        if session_id is None:
            session_id = session_repo.insert_session(
                connection, group_id, activity_id, stored_start, str(uuid.uuid4())
            )
            report.sessions += 1
        else:
            # the same session (group, activity and start): what it already holds is not
            # stored again, so importing an export back changes nothing
            already.update(transfer_repo.session_answer_keys(connection, session_id))
            report.sessions_already_stored += 1
        last = None
        for word_id, correct, duration_ms, moment, grade, response in parsed:
            stored = to_stored(moment)
            last = stored
            if already[(word_id, stored)] > 0:
                already[(word_id, stored)] -= 1
                report.reviews_already_stored += 1
                continue
            answer_repo.insert_review(
                connection,
                session_id,
                word_id,
                correct,
                duration_ms,
                stored,
                "import",
                grade,
                response,
            )
            report.reviews += 1
        if added:
            transfer_repo.set_session_times(connection, session_id, stored_start, last)
            for break_start, break_end in breaks:
                session_repo.add_break(
                    connection, session_id, to_stored(break_start), to_stored(break_end)
                )
            if lifecycle:
                transfer_repo.set_session_lifecycle(connection, session_id, lifecycle)

    @staticmethod
    def _parse_lifecycle(
        session: dict[str, Any], start: datetime, path: str, problems: Problems
    ) -> dict[str, str] | None:
        """The session's optional paused_at, resumed_at and completed_at (stored forms); None
        when one is refused. Paused and completed at once is refused: it is one or the other."""
        times: dict[str, str] = {}
        before = problems.count
        for name in LIFECYCLE_TIMES:
            if session.get(name) is None:
                continue
            try:
                moment = _parse_time(session[name])
            except ValueError as exc:
                problems.add({"path": f"{path}.{name}"}, _problem(exc))
                continue
            if moment < start:
                problems.add({"path": f"{path}.{name}"}, Text("import.before_start"))
                continue
            times[name] = to_stored(moment)
        if "paused_at" in times and "completed_at" in times:
            problems.add({"path": f"{path}.paused_at"}, Text("import.paused_and_completed"))
        return times if problems.count == before else None

    @staticmethod
    def _parse_breaks(
        value: Any, start: datetime, path: str, problems: Problems
    ) -> list[tuple[datetime, datetime]] | None:
        """A session's breaks (pauses, docs/study-apps.md): [{start, end}], none before the
        session's start, each ending no earlier than it starts; None when any is refused."""
        if not isinstance(value, list):
            problems.add({"path": path}, Text("import.list"))
            return None
        before = problems.count
        breaks = []
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if not isinstance(item, dict):
                problems.add({"path": where}, Text("import.break_object"))
                continue
            try:
                begin = _parse_time(item.get("start"))
                end = _parse_time(item.get("end"))
            except ValueError as exc:
                problems.add({"path": where}, _problem(exc))
                continue
            if begin < start or end < begin:
                problems.add({"path": where}, Text("import.break_order"))
                continue
            breaks.append((begin, end))
        return breaks if problems.count == before else None

    def _could_be_live(
        self,
        answers: list[ParsedAnswer],
        start: datetime,
        latest_allowed: datetime,
        path: str,
        problems: Problems,
        breaks: Sequence[tuple[datetime, datetime]] = (),
    ) -> bool:
        """Whether the live API could have stored these answers in one session: none before
        the session started or in the future, in time order, none after the session had been
        idle past the timeout (a break between two answers, a pause, is no idle time), at most
        the distinct-word limit."""
        settings = self.context.settings
        idle = timedelta(minutes=settings.session_timeout_minutes)
        before = problems.count
        previous = start
        distinct: set[int] = set()
        for index, (word_id, _correct, _duration, moment, _grade, _response) in enumerate(answers):
            where = {"path": f"{path}.words[{index}].reviewed_at"}
            if moment < start:
                problems.add(where, Text("import.before_start"))
            elif moment > latest_allowed:
                problems.add(where, Text("import.in_future"))
            elif moment < previous:
                problems.add(where, Text("import.out_of_order"))
            elif moment - previous - _overlap(breaks, previous, moment) > idle:
                problems.add(
                    where,
                    Text("import.after_expiry", minutes=settings.session_timeout_minutes),
                )
            previous = max(previous, moment)
            distinct.add(word_id)
        if len(distinct) > settings.max_words_per_session:
            problems.add(
                {"path": f"{path}.words"},
                Text(
                    "import.too_many_words",
                    count=len(distinct),
                    limit=settings.max_words_per_session,
                ),
            )
        return problems.count == before

    def _parse_answer(
        self,
        connection: sqlite3.Connection,
        entry: Any,
        path: str,
        start: datetime,
        problems: Problems,
    ) -> ParsedAnswer | None:
        if not isinstance(entry, dict):
            problems.add({"path": path}, Text("import.object"))
            return None
        word_id = self._find_word(connection, entry, path, problems)
        result = entry.get("result")
        if not isinstance(result, str) or result not in RESULTS:  # a list is unhashable
            result = None
            problems.add({"path": f"{path}.result"}, Text("import.result"))
        grade_text = entry.get("grade")
        grade: int | None = None
        if grade_text is not None:
            if not isinstance(grade_text, str) or grade_text not in GRADES:
                problems.add({"path": f"{path}.grade"}, Text("import.grade"))
                return None
            grade = GRADES[grade_text]
            if result in RESULTS and RESULTS[result] != (grade > 1):
                problems.add(
                    {"path": f"{path}.grade"},
                    Text("import.grade_contradicts", grade=grade_text, result=result),
                )
                return None
        response = entry.get("response")
        if response is not None:
            try:
                response = clean_response(response)
            except ValueError as exc:
                problems.add(
                    {"path": f"{path}.response"}, Text("import.or_null", problem=_problem(exc))
                )
                return None
        spent = entry.get("time_spent")
        if spent is not None and (
            isinstance(spent, bool)
            or not isinstance(spent, int | float)
            or not 0 <= spent <= 86_400
        ):
            problems.add({"path": f"{path}.time_spent"}, Text("import.time_spent"))
            spent = None
        moment = start
        if entry.get("reviewed_at") is not None:
            try:
                moment = _parse_time(entry["reviewed_at"])
            except ValueError as exc:
                problems.add({"path": f"{path}.reviewed_at"}, _problem(exc))
                return None
        if word_id is None or result not in RESULTS:
            return None
        duration_ms = None if spent is None else round(spent * 1000)
        return word_id, RESULTS[result], duration_ms, moment, grade, response

    def _find_word(
        self, connection: sqlite3.Connection, entry: dict[str, Any], path: str, problems: Problems
    ) -> int | None:
        japanese = entry.get("japanese")
        if not isinstance(japanese, str):
            problems.add({"path": f"{path}.japanese"}, Text("validation.string_required"))
            return None
        english = entry.get("english")
        if isinstance(english, str):
            key = (japanese, english)
            if key in self._word_ids:
                word_id = self._word_ids[key]
            else:
                word_id = self._word_ids[key] = word_repo.find_word_id(
                    connection, japanese, english
                )
            if word_id is None:
                problems.add(
                    {"path": path},
                    Text("import.no_word_meaning", japanese=japanese, english=english),
                )
            return word_id
        candidates = transfer_repo.word_ids_by_japanese(connection, japanese)
        if len(candidates) != 1:
            reason = "import.no_such_word" if not candidates else "import.ambiguous_word"
            problems.add({"path": f"{path}.japanese"}, Text(reason, japanese=japanese))
            return None
        return candidates[0]


def _read_head(source: IO[bytes]) -> tuple[dict[str, Any], str | None]:
    """Every top-level member of a history file but the sessions, and the JSON event that
    opens `study_sessions` (None when missing), in one streamed pass: the sessions are parsed
    and dropped, never held."""
    head: dict[str, Any] = {}
    sessions_kind: str | None = None
    builder: ijson.ObjectBuilder | None = None
    key: str | None = None
    depth = 0
    try:
        events = ijson.parse(source, use_float=True)
        first = next(events, None)
        if first is None or first[1] != "start_map":
            raise InvalidInputError("errors.invalid_input.history_not_object")
        for prefix, event, value in events:
            if depth == 0:
                if event == "map_key":
                    key = value
                    continue
                if event == "end_map" and prefix == "":
                    break
                if key == "study_sessions":
                    sessions_kind = event
                    builder = None
                else:
                    builder = ijson.ObjectBuilder()
                    builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth = 1
                elif builder is not None and key is not None:
                    head[key] = builder.value
                continue
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            if builder is not None:
                builder.event(event, value)
                if depth == 0 and key is not None:
                    head[key] = builder.value
    except ijson.JSONError as exc:
        # the parser draws a caret under the place on further lines: the first says it all
        reason = (str(exc).strip().splitlines() or ["not JSON"])[0]
        raise InvalidInputError("errors.invalid_input.body_not_json", reason=reason) from exc
    return head, sessions_kind


LIFECYCLE_TIMES = ("paused_at", "resumed_at", "completed_at")


def _overlap(
    breaks: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime
) -> timedelta:
    """How much of [start, end] the breaks cover."""
    covered = timedelta()
    for begin, finish in breaks:
        covered += max(timedelta(), min(end, finish) - max(start, begin))
    return covered


def _stored_to_text(stored: str) -> str:
    return _utc_text(from_stored(stored))


def _review_entry(row: sqlite3.Row) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "japanese": row["japanese"],
        "english": row["english"],
        "result": "correct" if row["correct"] else "wrong",
        "time_spent": None if row["duration_ms"] is None else row["duration_ms"] / 1000,
        "reviewed_at": _stored_to_text(row["created_at"]),
    }
    if row["grade"] is not None:
        entry["grade"] = GRADE_NAMES[row["grade"]]
    if row["response"] is not None:
        entry["response"] = row["response"]
    return entry


class _ChunkWriter:
    """Items of a JSON list, comma-separated, handed out in chunks of about CHUNK_BYTES."""

    CHUNK_BYTES = 256 * 1024

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.first = True

    def item(self, data: bytes) -> bytes | None:
        if not self.first:
            self.buffer += b","
        self.first = False
        self.buffer += data
        if len(self.buffer) < self.CHUNK_BYTES:
            return None
        chunk = bytes(self.buffer)
        self.buffer.clear()
        return chunk

    def end(self, closing: bytes) -> bytes:
        """What is left, then `closing`; the next list starts afresh."""
        chunk = bytes(self.buffer) + closing
        self.buffer.clear()
        self.first = True
        return chunk
