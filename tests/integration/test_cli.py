"""The `lang-portal` command: each task prints what it did, and fails cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from lang_portal.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


def test_initdb_migrate_seed(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["initdb"]) == 0
    assert "created" in capsys.readouterr().out
    assert database.exists()
    assert main(["migrate", "--status"]) == 0
    assert "0 applied" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "applied 0001_init.sql" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main(["migrate", "--status"]) == 0
    assert "0 pending" in capsys.readouterr().out
    assert main(["seed"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("seeded ") and "words" in out
    assert main(["seed"]) == 0
    assert "seeded nothing new" in capsys.readouterr().out


def test_seed_before_migrate_is_refused(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed"]) == 1
    err = capsys.readouterr().err
    assert "does not exist; run `lang-portal migrate` first" in err
    assert "Traceback" not in err


def test_bad_database_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "missing" / "x.db"))
    assert main(["migrate"]) == 1
    assert "directory" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path))
    assert main(["initdb"]) == 1
    assert "is a directory" in capsys.readouterr().err


def test_not_a_database(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database.write_bytes(b"this is not sqlite" * 100)
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err
    assert "error" in err and "Traceback" not in err


def test_bad_setting_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("API_PORT", "not-a-port")
    assert main(["migrate"]) == 2
    assert "API_PORT" in capsys.readouterr().err


def test_bad_seed_dir(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate"]) == 0
    assert main(["seed", "--dir", str(tmp_path / "nowhere")]) == 1
    assert "no seed manifest" in capsys.readouterr().err
