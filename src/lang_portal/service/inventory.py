"""The vocabulary inventory: words, groups, and which words are in which groups."""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any

from fsrs import Scheduler

from lang_portal.errors import BusinessRuleError, DuplicateEntryError, NotFoundError
from lang_portal.models.common import PageRequest, Pagination
from lang_portal.models.groups import (
    GroupDetail,
    GroupItem,
    GroupStats,
    GroupWithWords,
    GroupWordsAdded,
)
from lang_portal.models.words import (
    CommonMistake,
    GroupRef,
    WordDetail,
    WordItem,
    WordSrs,
    WordStats,
)
from lang_portal.repository import groups as group_repo
from lang_portal.repository import srs as srs_repo
from lang_portal.repository import tags as tag_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.answers import current_scheduler
from lang_portal.service.context import ServiceContext, pagination_for
from lang_portal.service.difficulty import difficulty_result, history_of
from lang_portal.service.srs import describe_card
from lang_portal.service.tagging import apply_auto_tags, clean_tag_names
from lang_portal.service.word_items import dump_parts, parse_parts, word_items, words_with_parts

# A word's detail lists this many of its most common wrong responses.
COMMON_MISTAKES = 5


class InventoryService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.db = context.db

    # -- words ---------------------------------------------------------------------------------

    def list_words(
        self, page: PageRequest, search: str | None = None, tags: list[str] | None = None
    ) -> tuple[list[WordItem], Pagination]:
        """Every word, or those whose Japanese, romaji or English contains `search` and that
        carry every one of `tags` (an unknown tag: no word)."""
        text = unicodedata.normalize("NFKC", search).strip() if search else ""
        names = clean_tag_names(self.context.settings, tags or [], "tag")
        with self.db.snapshot() as connection:
            if names:
                found = tag_repo.tag_ids(connection, names)
                tag_ids = [found[name] for name in names if name in found]
                if len(tag_ids) < len(names):
                    rows, total = [], 0
                else:
                    rows = word_repo.filter_words(connection, text, tag_ids, page)
                    if rows:
                        total = int(rows[0]["total"])
                    elif page.page == 1:
                        total = 0
                    else:
                        total = word_repo.count_filtered(connection, text, tag_ids)
            elif text:
                rows = word_repo.search_words(connection, text, page)
                if rows:
                    total = int(rows[0]["total"])
                elif page.page == 1:
                    total = 0
                else:  # past the last page: the true total all the same
                    total = word_repo.count_search(connection, text)
            else:
                total = word_repo.count_words(connection)
                rows = word_repo.list_words(connection, page)
            items = word_items(connection, rows)
        return items, pagination_for(page, total)

    def word_reviews(
        self, word_id: int, page: PageRequest
    ) -> tuple[list[dict[str, Any]], Pagination]:
        """A word's answers, each with its session, group and activity."""
        with self.db.snapshot() as connection:
            if not word_repo.word_exists(connection, word_id):
                raise NotFoundError.of("word", word_id)
            total = word_repo.count_word_reviews(connection, word_id)
            rows = word_repo.word_reviews(connection, word_id, page)
        items = [
            {
                "id": row["id"],
                "study_session_id": row["study_session_id"],
                "group_id": row["group_id"],
                "group_name": row["group_name"],
                "study_activity_id": row["study_activity_id"],
                "study_activity_name": row["activity_name"],
                "correct": bool(row["correct"]),
                "duration_ms": row["duration_ms"],
                "response": row["response"],
                "created_at": self.context.api_time(row["created_at"]),
            }
            for row in rows
        ]
        return items, pagination_for(page, total)

    def get_word(self, word_id: int) -> WordDetail:
        with self.db.snapshot() as connection:
            row = word_repo.get_word(connection, word_id)
            if row is None:
                raise NotFoundError.of("word", word_id)
            groups = word_repo.groups_of_word(connection, word_id)
            tags = tag_repo.tags_of_words(connection, [word_id])[word_id]
            card = srs_repo.get_card(connection, word_id)
            scheduler = current_scheduler(connection, self.context.settings)
            mistakes = word_repo.common_wrong_responses(connection, word_id, COMMON_MISTAKES)
        return self._word_detail(row, groups, tags, card, scheduler, mistakes)

    def _word_detail(
        self,
        row: sqlite3.Row,
        groups: list[sqlite3.Row],
        tags: list[str],
        card: sqlite3.Row | None = None,
        scheduler: Scheduler | None = None,
        mistakes: list[sqlite3.Row] | None = None,
    ) -> WordDetail:
        fsrs_difficulty = None if card is None else card["difficulty"]
        return WordDetail(
            id=row["id"],
            japanese=row["japanese"],
            romaji=row["romaji"],
            english=row["english"],
            parts=parse_parts(row["parts"]),
            stats=WordStats(row["correct_count"], row["wrong_count"]),
            groups=[GroupRef(group["id"], group["name"]) for group in groups],
            tags=tags,
            srs=WordSrs(**describe_card(card, self.context.now(), self.context, scheduler)),
            difficulty=difficulty_result(row["japanese"], history_of(row, fsrs_difficulty)),
            common_mistakes=[
                CommonMistake(mistake["response"], mistake["count"]) for mistake in mistakes or []
            ],
            created_at=self.context.api_time(row["created_at"]),
            updated_at=self.context.api_time(row["updated_at"]),
        )

    def create_word(self, fields: dict[str, Any], group_ids: list[int]) -> WordDetail:
        now = self.context.now_stored()
        stored = {**fields, "parts": dump_parts(fields.get("parts"))}
        with self.db.write() as connection:
            for group_id in group_ids:
                self._require_group_room(connection, group_id)
            try:
                word_id = word_repo.insert_word(connection, stored, now)
            except sqlite3.IntegrityError as exc:
                raise self._duplicate_word(fields) from exc
            for group_id in group_ids:
                group_repo.add_word(connection, group_id, word_id, now)
            apply_auto_tags(connection, self.context.settings, word_id, fields, now)
            row = word_repo.get_word(connection, word_id)
            groups = word_repo.groups_of_word(connection, word_id)
            tags = tag_repo.tags_of_words(connection, [word_id])[word_id]
        assert row is not None
        return self._word_detail(row, groups, tags)

    def update_word(self, word_id: int, changes: dict[str, Any]) -> WordDetail:
        stored = dict(changes)
        if "parts" in stored:
            stored["parts"] = dump_parts(stored["parts"])
        with self.db.write() as connection:
            if not word_repo.word_exists(connection, word_id):
                raise NotFoundError.of("word", word_id)
            now = self.context.now_stored()
            if stored:
                try:
                    word_repo.update_word(connection, word_id, stored, now)
                except sqlite3.IntegrityError as exc:
                    raise self._duplicate_word(changes) from exc
            row = word_repo.get_word(connection, word_id)
            assert row is not None
            if stored.keys() & {"japanese", "romaji", "english"}:
                # the auto tags follow the text
                apply_auto_tags(connection, self.context.settings, word_id, row, now)
            groups = word_repo.groups_of_word(connection, word_id)
            tags = tag_repo.tags_of_words(connection, [word_id])[word_id]
            card = srs_repo.get_card(connection, word_id)
        # read after the write, off the writer's connection: the change cannot touch them
        with self.db.snapshot() as connection:
            mistakes = word_repo.common_wrong_responses(connection, word_id, COMMON_MISTAKES)
        return self._word_detail(row, groups, tags, card, mistakes=mistakes)

    def delete_word(self, word_id: int) -> None:
        """Deletes the word with its review history; its groups and sessions stay."""
        with self.db.write() as connection:
            if not word_repo.word_exists(connection, word_id):
                raise NotFoundError.of("word", word_id)
            word_repo.delete_word(connection, word_id)

    @staticmethod
    def _duplicate_word(fields: dict[str, Any]) -> DuplicateEntryError:
        return DuplicateEntryError(
            "errors.duplicate.word",
            {key: fields[key] for key in ("japanese", "english") if key in fields},
        )

    # -- groups --------------------------------------------------------------------------------

    def list_groups(self, page: PageRequest) -> tuple[list[GroupItem], Pagination]:
        with self.db.snapshot() as connection:
            total = group_repo.count_groups(connection)
            rows = group_repo.list_groups(connection, page)
        return [_group_item(row) for row in rows], pagination_for(page, total)

    def all_groups(self) -> list[GroupRef]:
        """Every group's id and name, by name: the short list a launcher offers."""
        with self.db.read() as connection:
            rows = group_repo.all_groups(connection)
        return [GroupRef(row["id"], row["name"]) for row in rows]

    def get_group(self, group_id: int) -> GroupDetail:
        with self.db.read() as connection:
            row = group_repo.get_group(connection, group_id)
        if row is None:
            raise NotFoundError.of("group", group_id)
        return self._group_detail(row)

    def _group_detail(self, row: sqlite3.Row) -> GroupDetail:
        return GroupDetail(
            id=row["id"],
            name=row["name"],
            stats=GroupStats(row["word_count"]),
            created_at=self.context.api_time(row["created_at"]),
            updated_at=self.context.api_time(row["updated_at"]),
        )

    def group_words(self, group_id: int, page: PageRequest) -> tuple[list[WordItem], Pagination]:
        with self.db.snapshot() as connection:
            group = group_repo.get_group(connection, group_id)
            if group is None:
                raise NotFoundError.of("group", group_id)
            rows = word_repo.list_group_words(connection, group_id, page)
            items = word_items(connection, rows)
        return items, pagination_for(page, group["word_count"])

    def all_group_words(self, group_id: int) -> GroupWithWords:
        """The group and every one of its words, parts included.

        Unpaged: a study app loads a whole group at once; a group is capped by
        `max_words_per_group`, so the list stays bounded.
        """
        with self.db.snapshot() as connection:
            group = group_repo.get_group(connection, group_id)
            if group is None:
                raise NotFoundError.of("group", group_id)
            rows = word_repo.all_group_words(connection, group_id)
            words = words_with_parts(connection, rows)
        return GroupWithWords(_group_item(group), words)

    def create_group(self, name: str, word_ids: list[int]) -> GroupDetail:
        now = self.context.now_stored()
        limits = self.context.settings
        with self.db.write() as connection:
            if group_repo.count_groups(connection) >= limits.max_groups:
                raise BusinessRuleError(
                    "errors.business.max_groups",
                    {"max_groups": limits.max_groups},
                    max_groups=limits.max_groups,
                )
            unique_ids = list(dict.fromkeys(word_ids))
            if len(unique_ids) > limits.max_words_per_group:
                raise BusinessRuleError(
                    "errors.business.max_words_per_group",
                    {"max_words_per_group": limits.max_words_per_group},
                    max_words_per_group=limits.max_words_per_group,
                )
            try:
                group_id = group_repo.insert_group(connection, name, now)
            except sqlite3.IntegrityError as exc:
                raise DuplicateEntryError(
                    "errors.duplicate.group", {"name": name}, name=name
                ) from exc
            for word_id in unique_ids:
                if not word_repo.word_exists(connection, word_id):
                    raise NotFoundError.of("word", word_id)
                group_repo.add_word(connection, group_id, word_id, now)
            row = group_repo.get_group(connection, group_id)
        assert row is not None
        return self._group_detail(row)

    def rename_group(self, group_id: int, name: str) -> GroupDetail:
        with self.db.write() as connection:
            if group_repo.get_group(connection, group_id) is None:
                raise NotFoundError.of("group", group_id)
            try:
                group_repo.rename_group(connection, group_id, name, self.context.now_stored())
            except sqlite3.IntegrityError as exc:
                raise DuplicateEntryError(
                    "errors.duplicate.group", {"name": name}, name=name
                ) from exc
            row = group_repo.get_group(connection, group_id)
        assert row is not None
        return self._group_detail(row)

    def delete_group(self, group_id: int) -> None:
        """Deletes the group and its study sessions; its words stay in the inventory."""
        with self.db.write() as connection:
            if group_repo.get_group(connection, group_id) is None:
                raise NotFoundError.of("group", group_id)
            group_repo.delete_group(connection, group_id)

    def add_words_to_group(self, group_id: int, word_ids: list[int]) -> GroupWordsAdded:
        now = self.context.now_stored()
        added: list[int] = []
        with self.db.write() as connection:
            group = group_repo.get_group(connection, group_id)
            if group is None:
                raise NotFoundError.of("group", group_id)
            for word_id in dict.fromkeys(word_ids):
                if not word_repo.word_exists(connection, word_id):
                    raise NotFoundError.of("word", word_id)
                if group_repo.has_word(connection, group_id, word_id):
                    continue
                self._require_group_room(connection, group_id)
                group_repo.add_word(connection, group_id, word_id, now)
                added.append(word_id)
            row = group_repo.get_group(connection, group_id)
        assert row is not None
        return GroupWordsAdded(group_id, added, row["word_count"])

    def remove_word_from_group(self, group_id: int, word_id: int) -> None:
        with self.db.write() as connection:
            if group_repo.get_group(connection, group_id) is None:
                raise NotFoundError.of("group", group_id)
            if not group_repo.remove_word(connection, group_id, word_id):
                raise NotFoundError(
                    "errors.not_found.word_in_group",
                    {"group_id": group_id, "word_id": word_id},
                    group_id=group_id,
                    word_id=word_id,
                )

    def _require_group_room(self, connection: sqlite3.Connection, group_id: int) -> None:
        group = group_repo.get_group(connection, group_id)
        if group is None:
            raise NotFoundError.of("group", group_id)
        limit = self.context.settings.max_words_per_group
        if group["word_count"] >= limit:
            raise BusinessRuleError(
                "errors.business.group_full",
                {"group_id": group_id, "max_words_per_group": limit},
                group_id=group_id,
                limit=limit,
            )


def _group_item(row: sqlite3.Row) -> GroupItem:
    return GroupItem(row["id"], row["name"], row["word_count"])
