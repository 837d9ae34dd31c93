"""`lang-portal xapi add-key NAME`: a key that works over HTTP, its secret stored hashed."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.cli import main
from lang_portal.settings import load_settings


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


def test_xapi_add_key_prints_username_and_secret_last_and_stores_a_hash(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    capsys.readouterr()
    assert main(["xapi", "add-key", "quiz app"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    username, secret = last.split(":", 1)
    assert username and len(secret) >= 40
    with sqlite3.connect(database) as connection:
        name, stored = connection.execute(
            "SELECT name, secret_sha256 FROM xapi_keys WHERE username = ?", (username,)
        ).fetchone()
    assert name == "quiz app"
    assert secret not in stored and len(stored) == 64
    app = create_app(load_settings(database_path=database, rate_limit_enabled=False))
    token = base64.b64encode(last.encode()).decode()
    with TestClient(app) as client:
        response = client.get(
            "/xapi/statements",
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
    assert response.status_code == 200


def test_xapi_add_key_needs_a_name_and_a_schema(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["xapi", "add-key", "x"]) == 1
    assert "migrate" in capsys.readouterr().err
    assert main(["migrate"]) == 0
    assert main(["xapi", "add-key", "  "]) == 1
    assert "NAME" in capsys.readouterr().err


def test_xapi_keys_lists_and_remove_key_revokes(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate"]) == 0
    assert main(["xapi", "add-key", "flashcards"]) == 0
    username, secret = capsys.readouterr().out.strip().splitlines()[-1].split(":", 1)
    assert main(["xapi", "keys"]) == 0
    listed = capsys.readouterr().out
    assert username in listed and "'flashcards'" in listed and secret not in listed
    assert main(["xapi", "remove-key", username]) == 0
    assert "removed" in capsys.readouterr().out
    app = create_app(load_settings(database_path=database, rate_limit_enabled=False))
    token = base64.b64encode(f"{username}:{secret}".encode()).decode()
    with TestClient(app) as client:
        response = client.get(
            "/xapi/statements",
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
    assert response.status_code == 401
    assert main(["xapi", "remove-key", username]) == 1
