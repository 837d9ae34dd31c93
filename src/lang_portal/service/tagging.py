"""Tags (spec, "Word Grouping and Tagging System"; docs/tags.md).

A word carries tags given by hand (`manual`) and tags the auto-tag rules give it from its text
(`auto`). The rules are applied wherever a word's text is written (create, update, seeding,
imports) and, when the rules themselves change, to every word (`ensure_auto_tags`, at start and
at seeding). A rule's tags and the reserved names are the system's: nobody gives or takes them
by hand.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

import orjson

from lang_portal.errors import BusinessRuleError, NotFoundError, ValidationFailedError
from lang_portal.i18n import Text, TextError
from lang_portal.models.common import PageRequest, Pagination
from lang_portal.models.tags import TagStats, WordTag, WordTags
from lang_portal.models.validation import clean_tag_name
from lang_portal.repository import sessions as session_repo
from lang_portal.repository import tags as tag_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext, pagination_for
from lang_portal.settings import Settings

# app_meta: the fingerprint of the rules every word's auto tags were last computed with
AUTO_TAG_RULES_KEY = "auto_tag_rules"


class AutoTagger:
    """The rules of the settings, compiled."""

    def __init__(self, rules: list[dict[str, Any]]) -> None:
        self.rules = [
            (rule["field"], re.compile(rule["pattern"]), tuple(rule["tags"])) for rule in rules
        ]
        self.fingerprint = hashlib.sha256(orjson.dumps(rules)).hexdigest()

    def tags_for(self, word: Mapping[str, Any] | sqlite3.Row) -> list[str]:
        """The auto tags of a word with this text (`japanese`, `romaji`, `english`), sorted."""
        found: set[str] = set()
        for field, pattern, tags in self.rules:
            text = word[field]
            if isinstance(text, str) and pattern.search(text):
                found.update(tags)
        return sorted(found)


@functools.cache
def _compiled(rules_json: bytes) -> AutoTagger:
    return AutoTagger(orjson.loads(rules_json))


def auto_tagger(settings: Settings) -> AutoTagger:
    return _compiled(orjson.dumps([rule.model_dump() for rule in settings.auto_tag_rules]))


def apply_auto_tags(
    connection: sqlite3.Connection,
    settings: Settings,
    word_id: int,
    word: Mapping[str, Any] | sqlite3.Row,
    now: str,
) -> None:
    """The word's auto tags become those its text calls for now."""
    tag_repo.set_auto_tags(connection, word_id, auto_tagger(settings).tags_for(word), now)


def ensure_auto_tags(context: ServiceContext, force: bool = False) -> int | None:
    """Every word's auto tags, computed again when the rules changed since they last were (or
    never were: a database just migrated to tags). The number of words, or None when nothing
    was to do. Idempotent; one write transaction."""
    tagger = auto_tagger(context.settings)
    with context.db.write() as connection:
        if not force and session_repo.get_meta(connection, AUTO_TAG_RULES_KEY) == (
            tagger.fingerprint
        ):
            return None
        now = context.now_stored()
        words = tag_repo.all_word_texts(connection)
        known: dict[str, int] = {}
        for word in words:
            tag_repo.set_auto_tags(connection, word["id"], tagger.tags_for(word), now, known)
        session_repo.set_meta(connection, AUTO_TAG_RULES_KEY, tagger.fingerprint)
    return len(words)


def clean_tag_names(settings: Settings, names: list[Any], field: str) -> list[str]:
    """The names as stored, in order, duplicates dropped; a bad one refused naming its place.
    At most MAX_TAGS_PER_WORD names, as the document states: no word could carry more."""
    limit = settings.max_tags_per_word
    if len(names) > limit:
        raise ValidationFailedError(
            "errors.validation.too_many_tags",
            {field: Text("validation.too_many_tags", limit=limit)},
            limit=limit,
        )
    cleaned: list[str] = []
    problems: dict[str, Any] = {}
    for index, name in enumerate(names):
        try:
            cleaned.append(clean_tag_name(name, settings.max_tag_length))
        except TextError as exc:
            problems[f"{field}.{index}"] = exc.text
        except ValueError as exc:
            problems[f"{field}.{index}"] = str(exc)
    if problems:
        raise ValidationFailedError("errors.validation.invalid_tag_name", problems)
    return list(dict.fromkeys(cleaned))


def hand_refusal(settings: Settings, name: str) -> BusinessRuleError | None:
    """Why a tag cannot be given or taken by hand, or None when it can."""
    if name in settings.reserved_tags:
        return BusinessRuleError("errors.business.tag_reserved", {"tag": name}, tag=name)
    if name in settings.auto_tags:
        return _auto_tag_refusal(name)
    return None


def _auto_tag_refusal(name: str) -> BusinessRuleError:
    return BusinessRuleError("errors.business.tag_auto", {"tag": name}, tag=name)


class TagService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context
        self.db = context.db

    def word_tags(self, word_id: int) -> WordTags:
        with self.db.snapshot() as connection:
            if not word_repo.word_exists(connection, word_id):
                raise NotFoundError.of("word", word_id)
            rows = tag_repo.word_tags(connection, word_id)
        return _word_tags(word_id, rows)

    def add_tags(self, word_id: int, names: list[str]) -> WordTags:
        """All or nothing: a refused name or the limit refuses the whole request."""
        settings = self.context.settings
        tags = clean_tag_names(settings, names, "tags")
        for name in tags:
            refusal = hand_refusal(settings, name)
            if refusal is not None:
                raise refusal
        now = self.context.now_stored()
        with self.db.write() as connection:
            if not word_repo.word_exists(connection, word_id):
                raise NotFoundError.of("word", word_id)
            current = {row["name"] for row in tag_repo.word_tags(connection, word_id)}
            new = [name for name in tags if name not in current]
            manual = tag_repo.count_manual_tags(connection, word_id)
            if manual + len(new) > settings.max_tags_per_word:
                raise BusinessRuleError(
                    "errors.business.max_tags_per_word",
                    {"max_tags_per_word": settings.max_tags_per_word, "word_id": word_id},
                    limit=settings.max_tags_per_word,
                    count=manual,
                    asked=len(new),
                )
            for name in new:
                tag_id = tag_repo.ensure_tag(connection, name, now)
                tag_repo.add_word_tag(connection, word_id, tag_id, "manual", now)
            rows = tag_repo.word_tags(connection, word_id)
        return _word_tags(word_id, rows)

    def remove_tag(self, word_id: int, name: str) -> None:
        settings = self.context.settings
        try:
            tag = clean_tag_name(name, settings.max_tag_length)
        except ValueError:
            tag = None  # no word can carry it
        with self.db.write() as connection:
            if not word_repo.word_exists(connection, word_id):
                raise NotFoundError.of("word", word_id)
            sources = (
                {}
                if tag is None
                else {row["name"]: row["source"] for row in tag_repo.word_tags(connection, word_id)}
            )
            if tag is None or tag not in sources:
                raise NotFoundError(
                    "errors.not_found.word_tag",
                    {"word_id": word_id, "tag": name},
                    word_id=word_id,
                    tag=name,
                )
            # A rule's tag is taken off by the rule alone. A manual row of a reserved or a
            # rule's name (given before the settings named it) may go: it would stay forever.
            if sources[tag] == "auto":
                raise _auto_tag_refusal(tag)
            tag_id = tag_repo.tag_ids(connection, [tag])[tag]
            tag_repo.remove_word_tag(connection, word_id, tag_id)

    def list_tags(self, page: PageRequest) -> tuple[list[TagStats], Pagination]:
        settings = self.context.settings
        with self.db.snapshot() as connection:
            total = tag_repo.count_tags(connection)
            rows = tag_repo.tag_stats(connection, page)
        items = [
            TagStats(
                tag_name=row["name"],
                word_count=row["word_count"],
                usage_count=row["usage_count"],
                last_used=self.context.api_time(row["last_used"]),
                difficulty=None if row["difficulty"] is None else round(row["difficulty"], 4),
                auto=row["name"] in settings.auto_tags,
                reserved=row["name"] in settings.reserved_tags,
            )
            for row in rows
        ]
        return items, pagination_for(page, total)


def _word_tags(word_id: int, rows: list[sqlite3.Row]) -> WordTags:
    return WordTags(word_id, [WordTag(row["name"], row["source"]) for row in rows])
