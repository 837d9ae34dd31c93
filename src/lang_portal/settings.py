"""The one settings class: `config/default.yaml`, overridden by environment variables."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

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

    srs_new_words_per_day: int = Field(20, ge=0, le=10_000)
    srs_desired_retention: float = Field(0.9, gt=0.5, lt=1.0)
    srs_mastery_stability_days: float = Field(21, gt=0, le=36500)
    srs_optimize_every: int = Field(1000, ge=0)  # 0 = no automatic refit

    legacy_api_enabled: bool = True

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

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

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
