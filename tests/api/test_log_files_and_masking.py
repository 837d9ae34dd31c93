"""The rotating log file, and sensitive values masked in every line, whatever logs them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.middleware.logging import (
    SpecJsonFormatter,
    TextFormatter,
    configure_logging,
    mask,
)
from lang_portal.service.container import Services
from lang_portal.settings import load_settings

SECRET = "c2Nob29sOmh1bnRlcjI="  # base64 of school:hunter2, as HTTP Basic sends it


@pytest.fixture
def restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def _json_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_log_file_rotates_at_its_size_and_keeps_its_backups(
    tmp_path: Path, restore_root_logging: None
) -> None:
    log_file = tmp_path / "logs" / "api.log"
    settings = load_settings(
        log_file=str(log_file), log_file_max_mb=1, log_file_backups=2, database_path=tmp_path / "x"
    )
    configure_logging(settings)
    logger = logging.getLogger("lang_portal.test_rotation")
    line = "x" * 1000
    for number in range(3500):  # ~3.6 MB of lines: three rotations
        logger.info("line %d %s", number, line)
    for handler in logging.getLogger().handlers:
        handler.flush()

    files = sorted(path.name for path in log_file.parent.glob("api.log*"))
    assert files == ["api.log", "api.log.1", "api.log.2"]  # LOG_FILE_BACKUPS=2: no .3
    for name in files:
        path = log_file.parent / name
        assert path.stat().st_size <= 1024 * 1024 + 2000
        lines = _json_lines(path)  # whole lines only, none cut by a rotation
        assert all(entry["message"].startswith("line ") for entry in lines)
    newest = _json_lines(log_file)[-1]
    assert newest["message"].startswith("line 3499 ")
    assert newest["details"]["logger"] == "lang_portal.test_rotation"


def test_no_log_file_by_default(tmp_path: Path, restore_root_logging: None) -> None:
    configure_logging(load_settings(database_path=tmp_path / "x"))
    assert [type(h) for h in logging.getLogger().handlers] == [logging.StreamHandler]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(SpecJsonFormatter("api"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_authorization_and_secrets_never_reach_the_log(
    services: Services, log_stream: io.StringIO
) -> None:
    app = create_app(services.context.settings, services=services)

    def leaky(request: Request) -> None:
        # A handler that fails with the request's headers in its message, and logs its own
        # secrets: the worst case a bug can bring.
        logging.getLogger("lang_portal.xapi").warning(
            "login failed for key %s with password=%s",
            "school",
            "hunter2",
            extra={"details": {"api_key": "k-9f8e", "headers": dict(request.headers)}},
        )
        raise RuntimeError(f"cannot parse {list(request.headers.raw)}")

    app.add_api_route("/api/v1/leaky", leaky)
    with TestClient(app) as client:
        response = client.get(
            "/api/v1/leaky?token=t-0123", headers={"Authorization": f"Basic {SECRET}"}
        )
    assert response.status_code == 500

    text = log_stream.getvalue()
    for secret in (SECRET, "hunter2", "k-9f8e", "t-0123"):
        assert secret not in text, secret
    lines = [json.loads(line) for line in text.splitlines()]
    by_logger = {line["details"].get("logger", "access"): line for line in lines}
    warning, error = by_logger["lang_portal.xapi"], by_logger["lang_portal.errors"]
    access = by_logger["access"]
    assert warning["message"] == "login failed for key school with password=***"
    assert warning["details"]["api_key"] == "***"
    assert warning["details"]["headers"]["authorization"] == "***"
    assert warning["details"]["headers"]["host"] == "testserver"  # the rest is kept
    assert "(b'authorization', b'Basic ***')" in error["details"]["stack_trace"]
    assert access["details"]["status"] == 500


def test_text_format_masks_too() -> None:
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, "Authorization: Bearer %s", ("abc.def",), None
    )
    record.details = {"client_secret": "s3", "path": "/x"}
    line = TextFormatter().format(record)
    assert "abc.def" not in line and "s3" not in line
    assert line.endswith("Authorization: Bearer *** client_secret=*** path=/x")


def test_mask_by_key_and_by_pattern() -> None:
    assert mask(
        {
            "Password": "p",
            "X-Api-Key": "k",
            "key_secret": "s",
            "nested": [{"refresh_token": "r"}, "redis://user:pw@127.0.0.1:6379/0"],
            "word": "たべる",
        }
    ) == {
        "Password": "***",
        "X-Api-Key": "***",
        "key_secret": "***",
        "nested": [{"refresh_token": "***"}, "redis://user:***@127.0.0.1:6379/0"],
        "word": "たべる",
    }
