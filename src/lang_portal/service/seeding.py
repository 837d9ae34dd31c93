"""Seeding from `seeds/manifest.json`: every row checked by the API's rules, all or nothing."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
)

from lang_portal.errors import BusinessRuleError
from lang_portal.i18n import TextError
from lang_portal.models.groups import GroupName
from lang_portal.models.words import WordCreate
from lang_portal.repository import activities as activity_repo
from lang_portal.repository import groups as group_repo
from lang_portal.repository import levels as level_repo
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext
from lang_portal.service.tagging import apply_auto_tags, ensure_auto_tags
from lang_portal.service.word_items import dump_parts

MANIFEST_NAME = "manifest.json"


class SeedError(Exception):
    """A seed file or row is bad; nothing was written."""


class SeedFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Field(pattern=r"^[A-Za-z0-9_.\-]+\.json$")
    group: GroupName


def _app_url(value: str) -> str:
    """An app's address: absolute (http or https, an external app) or a path on this server.

    A path is joined to the server's own address where a client needs it absolute (the legacy
    mount), so the seeds need not know where the server runs.
    """
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return str(_ABSOLUTE_URL.validate_python(value))
    if not parts.scheme and not parts.netloc and value.startswith("/"):
        return value
    raise TextError("validation.app_url")


_ABSOLUTE_URL = TypeAdapter(HttpUrl)
AppUrl = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_app_url)]


class SeedActivity(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    launch_url: AppUrl
    thumbnail_url: AppUrl | None = None
    description: str = Field(default="", max_length=2000)


class SeedProgression(BaseModel):
    """When a level is completed: enough of its words learned, answered right often enough."""

    model_config = ConfigDict(extra="forbid")
    min_success_rate: float = Field(ge=0, le=1)
    min_word_count: int = Field(ge=0, le=100_000)
    # whole days the level must have been under review (since its first answer); 0: none
    review_interval: int = Field(default=0, ge=0, le=3650)


class SeedLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$")
    title: str = Field(min_length=1, max_length=100)
    groups: list[GroupName] = Field(min_length=1)
    prerequisites: list[str] = Field(default_factory=list)
    # the expected difficulty of the level's new words, on a word's 0-1 score; none: no band
    difficulty: float | None = Field(default=None, ge=0, le=1)
    progression: SeedProgression


class SeedManifest(BaseModel):
    model_config = ConfigDict(extra="allow")
    groups: list[SeedFile]
    study_activities: list[SeedActivity] = Field(default_factory=list)
    # the learning path, in order (docs/learning-path.md); none: no path
    levels: list[SeedLevel] = Field(default_factory=list)


@dataclass
class SeedReport:
    files: int = 0
    rows: int = 0
    words_added: int = 0
    groups_added: int = 0
    memberships_added: int = 0
    activities_added: int = 0
    levels_added: int = 0
    level_groups_added: int = 0
    per_file: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.words_added
            or self.groups_added
            or self.memberships_added
            or self.activities_added
            or self.levels_added
            or self.level_groups_added
        )


@dataclass
class _GroupRows:
    name: str
    words: list[WordCreate]


def _reason(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in error.errors()
    )


def load_seeds(seeds_dir: Path) -> tuple[SeedManifest, list[_GroupRows]]:
    """Read and check every file before anything touches the database."""
    manifest_path = seeds_dir / MANIFEST_NAME
    try:
        raw_manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SeedError(f"{manifest_path}: no seed manifest") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SeedError(f"{manifest_path}: not valid JSON ({exc})") from exc
    try:
        manifest = SeedManifest.model_validate(raw_manifest)
    except ValidationError as exc:
        raise SeedError(f"{manifest_path}: {_reason(exc)}") from exc

    groups: list[_GroupRows] = []
    for entry in manifest.groups:
        path = seeds_dir / entry.file
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SeedError(f"{entry.file}: listed in the manifest but missing") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SeedError(f"{entry.file}: not valid JSON ({exc})") from exc
        if not isinstance(rows, list):
            raise SeedError(f"{entry.file}: must hold a JSON array of words")
        words = []
        for number, row in enumerate(rows, start=1):
            try:
                word = WordCreate.model_validate(row)
            except ValidationError as exc:
                raise SeedError(f"{entry.file}, row {number}: {_reason(exc)}") from exc
            words.append(word)
        groups.append(_GroupRows(entry.group, words))
    problem = level_problem(manifest, groups)
    if problem is not None:
        raise SeedError(f"{manifest_path}: {problem}")
    return manifest, groups


def level_problem(manifest: SeedManifest, groups: list[_GroupRows]) -> str | None:
    """What is wrong with the manifest's levels, naming the place; None when nothing is."""
    group_words: dict[str, set[tuple[str, str]]] = {}
    for seed_group in groups:
        group_words.setdefault(seed_group.name, set()).update(
            (word.japanese, word.english) for word in seed_group.words
        )
    names = [level.name for level in manifest.levels]
    level_of_group: dict[str, str] = {}
    on_earlier_levels: set[tuple[str, str]] = set()
    for index, level in enumerate(manifest.levels):
        place = f"levels[{index}]"
        if level.name in names[:index]:
            return f"{place}.name: level {level.name!r} is declared twice"
        words: set[tuple[str, str]] = set()
        for number, group in enumerate(level.groups):
            if group not in group_words:
                return f"{place}.groups[{number}]: {group!r} is not a group of the manifest"
            if group in level_of_group:
                return (
                    f"{place}.groups[{number}]: {group!r} is already in level "
                    f"{level_of_group[group]!r}; a group belongs to one level"
                )
            level_of_group[group] = level.name
            words |= group_words[group]
        for number, prerequisite in enumerate(level.prerequisites):
            if prerequisite not in names:
                return f"{place}.prerequisites[{number}]: {prerequisite!r} is not a level"
            if prerequisite == level.name:
                return f"{place}.prerequisites[{number}]: a level cannot require itself"
        own_words = len(words - on_earlier_levels)
        on_earlier_levels |= words
        if level.progression.min_word_count > own_words:
            return (
                f"{place}.progression.min_word_count: {level.progression.min_word_count} is "
                f"more than the {own_words} words of level {level.name!r}"
            )
    cycle = prerequisite_cycle({level.name: level.prerequisites for level in manifest.levels})
    if cycle:
        return f"levels: the prerequisites go round in a circle: {' -> '.join(cycle)}"
    return None


def prerequisite_cycle(requires: dict[str, list[str]]) -> list[str]:
    """One circle of prerequisites (its first level repeated at the end), or []."""
    finished: set[str] = set()

    def visit(name: str, trail: list[str]) -> list[str]:
        if name in trail:
            return [*trail[trail.index(name) :], name]
        if name in finished:
            return []
        for prerequisite in requires.get(name, []):
            cycle = visit(prerequisite, [*trail, name])
            if cycle:
                return cycle
        finished.add(name)
        return []

    for name in requires:
        cycle = visit(name, [])
        if cycle:
            return cycle
    return []


class SeedService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    def seed(self, seeds_dir: Path) -> SeedReport:
        manifest, groups = load_seeds(seeds_dir)
        report = SeedReport(files=len(groups))
        with self.context.db.write() as connection:
            self.apply(connection, manifest, groups, report)
        # words seeded before the rules changed (or before tags existed) get theirs
        ensure_auto_tags(self.context)
        return report

    def apply(
        self,
        connection: sqlite3.Connection,
        manifest: SeedManifest,
        groups: list[_GroupRows],
        report: SeedReport,
    ) -> None:
        """Insert what is missing; what exists is left as it is, so seeding twice is a no-op."""
        now = self.context.now_stored()
        settings = self.context.settings
        for activity in manifest.study_activities:
            fields: dict[str, Any] = activity.model_dump()
            report.activities_added += activity_repo.upsert_activity(connection, fields, now)
        for seed_group in groups:
            group_id = group_repo.find_group_id(connection, seed_group.name)
            if group_id is None:
                if group_repo.count_groups(connection) >= settings.max_groups:
                    raise BusinessRuleError(
                        "errors.business.seed_max_groups",
                        name=seed_group.name,
                        max_groups=settings.max_groups,
                    )
                group_id = group_repo.insert_group(connection, seed_group.name, now)
                report.groups_added += 1
            for word in seed_group.words:
                fields = {
                    "japanese": word.japanese,
                    "romaji": word.romaji,
                    "english": word.english,
                    "parts": dump_parts(word.parts),
                }
                added = word_repo.insert_word_if_new(connection, fields, now)
                report.words_added += added
                word_id = word_repo.find_word_id(connection, word.japanese, word.english)
                assert word_id is not None
                if added:
                    apply_auto_tags(connection, settings, word_id, fields, now)
                if group_repo.add_word(connection, group_id, word_id, now):
                    report.memberships_added += 1
            group = group_repo.get_group(connection, group_id)
            assert group is not None
            if group["word_count"] > settings.max_words_per_group:
                raise BusinessRuleError(
                    "errors.business.seed_group_too_large",
                    name=seed_group.name,
                    word_count=group["word_count"],
                    limit=settings.max_words_per_group,
                )
            report.rows += len(seed_group.words)
            report.per_file[seed_group.name] = len(seed_group.words)
        self.apply_levels(connection, manifest, report)

    def seed_levels_if_none(self, seeds_dir: Path) -> SeedReport:
        """The manifest's levels alone, for the groups the database has, when it has no levels.

        `serve` seeds only an empty database (the school's own words and groups are never
        re-added); a database seeded before levels existed gets its path this way.
        """
        manifest, groups = load_seeds(seeds_dir)
        report = SeedReport(files=len(groups))
        with self.context.db.write() as connection:
            if level_repo.count_levels(connection) == 0:
                self.apply_levels(connection, manifest, report)
        return report

    def apply_levels(
        self, connection: sqlite3.Connection, manifest: SeedManifest, report: SeedReport
    ) -> None:
        """Add the levels, their groups and prerequisites that are missing, then place the words.

        A level already stored keeps its rule and place; a group already in a level stays there;
        a group the database no longer has is skipped.
        """
        now = self.context.now_stored()
        level_ids: dict[str, int] = {}
        for level in manifest.levels:
            level_id = level_repo.find_level_id(connection, level.name)
            if level_id is None:
                level_id = level_repo.insert_level(
                    connection,
                    level.name,
                    level.title,
                    level.progression.min_success_rate,
                    level.progression.min_word_count,
                    now,
                    difficulty=level.difficulty,
                    review_interval_days=level.progression.review_interval,
                )
                report.levels_added += 1
            level_ids[level.name] = level_id
            for group_name in level.groups:
                group_id = group_repo.find_group_id(connection, group_name)
                if group_id is not None and level_repo.link_group(connection, level_id, group_id):
                    report.level_groups_added += 1
        for level in manifest.levels:
            for prerequisite in level.prerequisites:
                level_repo.add_prerequisite(
                    connection, level_ids[level.name], level_ids[prerequisite]
                )
        if report.levels_added or report.level_groups_added:
            level_repo.rebuild_word_path(connection)
