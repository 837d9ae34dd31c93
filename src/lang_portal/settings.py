"""The one settings class: `config/default.yaml`, overridden by environment variables."""

from __future__ import annotations

import ipaddress
import os
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from lang_portal.models.validation import MAX_TAG_LENGTH_LIMIT, clean_tag_name

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_ENV_VAR = "LANG_PORTAL_CONFIG"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
SEEDS_DIR = PROJECT_ROOT / "seeds"


def config_file() -> Path:
    """The YAML file in force: $LANG_PORTAL_CONFIG, else ./config/default.yaml, else the repo's."""
    explicit = os.environ.get(CONFIG_ENV_VAR)
    if explicit:
        return Path(explicit)
    local = Path.cwd() / "config" / "default.yaml"
    if local.is_file():
        return local
    return PROJECT_ROOT / "config" / "default.yaml"


def _tag_names(value: list[str], max_length: int) -> list[str]:
    """The names cleaned as a tag given by hand is, duplicates dropped."""
    cleaned = []
    for tag in value:
        try:
            cleaned.append(clean_tag_name(tag, max_length))
        except ValueError as exc:
            raise ValueError(f"tag {tag!r}: {exc}") from exc
    return list(dict.fromkeys(cleaned))


class AutoTagRule(BaseModel):
    """Words whose `field` matches `pattern` (a Python regular expression, searched anywhere in
    the stored text) carry `tags`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: Literal["japanese", "romaji", "english"]
    pattern: str = Field(min_length=1, max_length=1000)
    tags: list[str] = Field(min_length=1, max_length=10)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from exc
        return value

    @field_validator("tags")
    @classmethod
    def _tag_names(cls, value: list[str]) -> list[str]:
        return _tag_names(value, MAX_TAG_LENGTH_LIMIT)


# Kana and kanji as the japanese field stores them (NFKC: half-width kana are full-width).
_KATAKANA = r"\u30a0-\u30ff\u31f0-\u31ff"
_HIRAGANA = r"\u3041-\u309f"
_KANJI = r"\u3005\u3006\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
DEFAULT_AUTO_TAG_RULES: list[dict[str, Any]] = [
    {"field": "japanese", "pattern": f"^[{_KATAKANA}]+$", "tags": ["loanword"]},
    {"field": "japanese", "pattern": f"[{_KANJI}]", "tags": ["kanji"]},
    {"field": "japanese", "pattern": f"^[{_HIRAGANA}\\u30fc]+$", "tags": ["kana-only"]},
    {"field": "english", "pattern": "^to ", "tags": ["verb"]},
]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        extra="forbid",
        case_sensitive=False,
        frozen=True,
    )

    api_host: str = "127.0.0.1"
    api_port: int = Field(8080, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    request_timeout_seconds: float = Field(30, gt=0, le=3600)
    # Seconds given to in-flight requests after SIGTERM; "30s" (the spec's form) is accepted.
    graceful_shutdown_timeout: float = Field(30, ge=0, le=3600)
    max_request_size: int = Field(1_048_576, ge=1)
    max_upload_size: int = Field(268_435_456, ge=1)  # the routes that take files
    gzip_minimum_size: int = Field(1024, ge=0)
    # Comma-separated in the environment: CORS_ALLOWED_ORIGINS=https://a.example,https://b.example
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "http://localhost:5173",
            "http://localhost:8080",
            "http://localhost:3000",
        ]
    )

    database_path: Path = Path("./words.db")
    database_busy_timeout_ms: int = Field(5000, ge=0, le=600_000)
    # full: every acknowledged answer survives a power loss. normal (WAL): survives a crash of
    # the process or a kill, but the last commits may be lost if the machine loses power; it
    # skips one fsync per answer.
    database_synchronous: Literal["full", "normal"] = "full"

    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    log_format: Literal["json", "text"] = "json"
    log_service_name: str = "api"

    rate_limit_enabled: bool = True
    rate_limit_requests: int = Field(100, ge=1)
    rate_limit_duration: int = Field(60, ge=1)
    rate_limit_burst: int = Field(20, ge=0)  # per second; 0 = no burst limit
    rate_limit_write_requests: int = Field(30, ge=0)  # per duration; 0 = no separate limit
    rate_limit_study_session_requests: int = Field(50, ge=0)  # per duration; 0 = none
    rate_limit_strategy: Literal["sliding-window", "moving-window", "fixed-window"] = (
        "sliding-window"
    )
    rate_limit_storage_uri: str = "memory://"
    rate_limit_key_prefix: str = "lang-portal"

    metrics_enabled: bool = True

    backup_path: Path = Path("./backups")
    backup_retention: int = Field(30, ge=1)
    backup_interval_minutes: int = Field(0, ge=0)  # 0 = no scheduled backups

    max_page_size: int = Field(100, ge=1, le=10_000)
    default_page_size: int = Field(100, ge=1, le=10_000)
    timezone: str = "UTC"

    max_words_per_group: int = Field(500, ge=1)
    max_groups: int = Field(100, ge=1)
    max_words_per_session: int = Field(50, ge=1)
    session_timeout_minutes: int = Field(30, ge=1)
    # idle minutes after which a session's warn_at falls (below the timeout), and the minutes
    # after its expiry during which an expired session can still be resumed or completed
    session_warning_minutes: int = Field(25, ge=1)
    session_grace_period_minutes: int = Field(5, ge=0, le=7 * 24 * 60)

    # -- tags (spec, "Word Grouping and Tagging System"; docs/tags.md)
    # tags given by hand per word (auto tags do not count)
    max_tags_per_word: int = Field(10, ge=1, le=100)
    max_tag_length: int = Field(30, ge=1, le=MAX_TAG_LENGTH_LIMIT)
    reserved_tags: list[str] = Field(
        default_factory=lambda: ["all", "none", "untagged", "auto", "manual"], max_length=100
    )
    auto_tag_rules: list[AutoTagRule] = Field(
        default_factory=lambda: [
            AutoTagRule.model_validate(rule) for rule in DEFAULT_AUTO_TAG_RULES
        ],
        max_length=100,
    )

    srs_new_words_per_day: int = Field(20, ge=0, le=10_000)
    srs_desired_retention: float = Field(0.9, gt=0.5, lt=1.0)
    srs_mastery_stability_days: float = Field(21, gt=0, le=36500)
    srs_optimize_every: int = Field(1000, ge=0)  # 0 = no automatic refit
    # -- dynamic difficulty adjustment of new words (service/difficulty.py, docs/srs.md)
    srs_adjust_window: int = Field(20, ge=1, le=1000)
    srs_adjust_threshold_up: float = Field(0.85, gt=0, le=1)
    srs_adjust_threshold_down: float = Field(0.60, ge=0, lt=1)
    srs_adjust_step: float = Field(0.1, ge=0, le=1)
    srs_initial_difficulty: float = Field(0.2, ge=0, le=1)
    srs_new_word_window: int = Field(500, ge=1, le=5000)

    legacy_api_enabled: bool = True

    # Shown in /health; "production", "staging", "development", ...
    environment: str = Field("production", min_length=1, max_length=40)

    # -- logs: besides stderr, a file rotated at LOG_FILE_MAX_MB, LOG_FILE_BACKUPS kept
    log_file: Path | None = None
    log_file_max_mb: int = Field(100, ge=1, le=100_000)
    log_file_backups: int = Field(5, ge=0, le=1000)
    log_retention_days: int = Field(30, ge=1)

    # -- scheduled maintenance (service/maintenance.py); an interval of 0 turns a task off
    maintenance_enabled: bool = True
    maintenance_tick_seconds: float = Field(60, gt=0, le=3600)
    maintenance_cleanup_interval_hours: float = Field(24, ge=0)
    maintenance_optimize_interval_hours: float = Field(6, ge=0)
    maintenance_vacuum_interval_hours: float = Field(168, ge=0)
    maintenance_retention_interval_hours: float = Field(24, ge=0)
    maintenance_task_timeout_seconds: float = Field(900, gt=0)
    maintenance_max_retries: int = Field(3, ge=0, le=20)
    maintenance_retry_backoff_seconds: float = Field(30, ge=0)
    # pages freed per step of the incremental vacuum: each step is one short write transaction
    maintenance_vacuum_step_pages: int = Field(64, ge=1)

    # -- retention (spec, "Data Lifecycle"); deleting the learning record is off by default
    retention_enabled: bool = False
    retention_session_days: int = Field(90, ge=1)
    retention_word_history_days: int = Field(365, ge=1)
    archive_path: Path = Path("./archives")

    # -- the circuit breaker on database writes (spec, "Circuit Breaker Configuration")
    breaker_max_failures: int = Field(5, ge=1)
    breaker_reset_timeout_seconds: float = Field(30, gt=0)

    # -- addresses: never rate limited; refused with 403 (comma-separated, CIDR allowed)
    ip_allowlist: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ip_blocklist: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # -- the opt-in profiler: a request with the header PROFILING_HEADER is profiled
    profiling_enabled: bool = False
    profiling_header: str = "X-Profile"
    profiling_path: Path = Path("./profiles")
    profiling_max_profiles: int = Field(100, ge=1)

    # The xAPI LRS at /xapi (docs/xapi.md). Fixed keys for deployment, comma-separated
    # user:secret pairs; keys made with `lang-portal xapi add-key` live in the database.
    xapi_credentials: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Where the portal's own IRIs start: words are {base}words/{id}, groups {base}groups/{id},
    # study activities {base}study-activities/{id}; the key accounts' homePage is the base.
    xapi_iri_base: str = "https://lang-portal.example/xapi/"
    # /xapi bodies carry attachments: their own limit instead of MAX_REQUEST_SIZE.
    xapi_max_request_size: int = Field(64 * 1_048_576, ge=1)
    # How long the key in an xAPI launch stays valid.
    xapi_launch_key_minutes: int = Field(240, ge=1, le=7 * 24 * 60)

    @field_validator("log_level", "database_synchronous", mode="before")
    @classmethod
    def _lower_log_level(cls, value: Any) -> Any:
        return value.lower() if isinstance(value, str) else value

    @field_validator("graceful_shutdown_timeout", mode="before")
    @classmethod
    def _seconds_suffix(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().endswith("s"):
            return value.strip()[:-1]
        return value

    @field_validator("cors_allowed_origins", "ip_allowlist", "ip_blocklist", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("ip_allowlist", "ip_blocklist")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"{entry!r} is not an address or a network (CIDR)") from exc
        return value

    @field_validator("log_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("xapi_credentials", mode="before")
    @classmethod
    def _split_credentials(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [pair.strip() for pair in value.split(",") if pair.strip()]
        if isinstance(value, list):
            for pair in value:
                user, _, secret = str(pair).partition(":")
                if not user or not secret:
                    raise ValueError("use user:secret pairs separated by commas")
        return value

    @field_validator("xapi_iri_base")
    @classmethod
    def _iri_base(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s]+/(\S*/)?$", value):
            raise ValueError("use an absolute IRI ending in '/', e.g. https://school.example/xapi/")
        return value

    @field_validator("rate_limit_storage_uri")
    @classmethod
    def _known_storage(cls, value: str) -> str:
        if not value.startswith(("memory://", "redis://", "rediss://", "redis+unix://")):
            raise ValueError("use memory:// or a redis:// URI such as redis://127.0.0.1:6379/0")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as Asia/Tokyo)"
            ) from exc
        return value

    @model_validator(mode="after")
    def _warning_before_timeout(self) -> Settings:
        if self.session_warning_minutes >= self.session_timeout_minutes:
            raise ValueError(
                "SESSION_WARNING_MINUTES must be less than SESSION_TIMEOUT_MINUTES "
                f"(got {self.session_warning_minutes} and {self.session_timeout_minutes})"
            )
        return self

    @field_validator("reserved_tags")
    @classmethod
    def _reserved_names(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _tag_names(value, info.data.get("max_tag_length", MAX_TAG_LENGTH_LIMIT))

    @field_validator("auto_tag_rules")
    @classmethod
    def _rule_tags_fit(cls, value: list[AutoTagRule], info: ValidationInfo) -> list[AutoTagRule]:
        maximum = info.data.get("max_tag_length", MAX_TAG_LENGTH_LIMIT)
        for rule in value:
            _tag_names(rule.tags, maximum)
        return value

    @cached_property
    def auto_tags(self) -> frozenset[str]:
        """Every tag a rule gives."""
        return frozenset(tag for rule in self.auto_tag_rules for tag in rule.tags)

    @model_validator(mode="after")
    def _adjustment_band(self) -> Settings:
        if self.srs_adjust_threshold_down >= self.srs_adjust_threshold_up:
            raise ValueError(
                "SRS_ADJUST_THRESHOLD_DOWN must be below SRS_ADJUST_THRESHOLD_UP "
                f"(got {self.srs_adjust_threshold_down} and {self.srs_adjust_threshold_up})"
            )
        return self

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence, highest first: explicit arguments, environment, the YAML file.
        return (
            init_settings,
            env_settings,
            YamlConfigSettingsSource(settings_cls, yaml_file=config_file()),
        )


class SettingsError(Exception):
    """A setting has a bad value; the message names each offending setting."""


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]).upper() or "CONFIG"
            problems.append(f"{name}: {error['msg']} (got {error.get('input')!r})")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
