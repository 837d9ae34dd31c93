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
from lang_portal.repository import words as word_repo
from lang_portal.service.context import ServiceContext
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


class SeedManifest(BaseModel):
    model_config = ConfigDict(extra="allow")
    groups: list[SeedFile]
    study_activities: list[SeedActivity] = Field(default_factory=list)


@dataclass
class SeedReport:
    files: int = 0
    rows: int = 0
    words_added: int = 0
    groups_added: int = 0
    memberships_added: int = 0
    activities_added: int = 0
    per_file: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.words_added or self.groups_added or self.memberships_added or self.activities_added
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
    return manifest, groups


class SeedService:
    def __init__(self, context: ServiceContext) -> None:
        self.context = context

    def seed(self, seeds_dir: Path) -> SeedReport:
        manifest, groups = load_seeds(seeds_dir)
        report = SeedReport(files=len(groups))
        with self.context.db.write() as connection:
            self.apply(connection, manifest, groups, report)
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
                report.words_added += word_repo.insert_word_if_new(connection, fields, now)
                word_id = word_repo.find_word_id(connection, word.japanese, word.english)
                assert word_id is not None
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
