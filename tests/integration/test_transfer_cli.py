"""`lang-portal export history`, `import history` and `import words`: files in and out, what
was new, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lang_portal.cli import main
from tests.conftest import FIXTURE_SEEDS


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert main(["migrate"]) == 0
    assert main(["seed", "--dir", str(FIXTURE_SEEDS)]) == 0
    return path


def _history() -> dict[str, object]:
    return {
        "format_version": "1.0",
        "study_sessions": [
            {
                "date": "2026-01-10T10:00:00Z",
                "group": "Basic Greetings",
                "study_activity": "Typing Tutor",
                "words": [
                    {
                        "japanese": "おはよう",
                        "result": "correct",
                        "reviewed_at": "2026-01-10T10:00:10Z",
                    },
                    {
                        "japanese": "さようなら",
                        "result": "wrong",
                        "grade": "again",
                        "reviewed_at": "2026-01-10T10:00:40Z",
                    },
                ],
            }
        ],
    }


def test_history_in_out_and_in_again(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(_history()))
    capsys.readouterr()
    assert main(["import", "history", str(source)]) == 0
    out = capsys.readouterr().out
    assert "sessions 1, reviews 2" in out and "reviews replayed 2" in out

    exported = tmp_path / "out.json"
    assert main(["export", "history", str(exported)]) == 0
    assert f"exported the history to {exported}" in capsys.readouterr().out
    document = json.loads(exported.read_text())
    words = document["study_sessions"][0]["words"]
    assert [w["result"] for w in words] == ["correct", "wrong"]
    assert words[1]["grade"] == "again" and "grade" not in words[0]
    assert not Path(f"{exported}.partial").exists()

    assert main(["import", "history", str(exported)]) == 0
    out = capsys.readouterr().out
    assert "sessions 0, reviews 0, sessions already stored 1, reviews already stored 2" in out


def test_a_refused_history_is_one_line_naming_the_first_problem(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = _history()
    history["study_sessions"][0]["words"][1]["reviewed_at"] = "2026-01-10T09:59:00Z"  # type: ignore[index]
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(history))
    capsys.readouterr()
    assert main(["import", "history", str(source)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "nothing was imported" in err
    assert "study_sessions[0].words[1].reviewed_at: is before its session started" in err
    not_json = tmp_path / "x.json"
    not_json.write_text("{")
    assert main(["import", "history", str(not_json)]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["import", "history", str(tmp_path / "missing.json")]) == 1
    assert "missing.json" in capsys.readouterr().err


def test_words_from_csv(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "words.csv"
    source.write_text("japanese,romaji,english,tags\n猫,neko,cat,animals\n犬,inu,dog,animals\n")
    capsys.readouterr()
    assert main(["import", "words", str(source)]) == 0
    assert "rows 2, words added 2, groups added 1, memberships added 2" in capsys.readouterr().out
    source.write_text("japanese,romaji,english,tags\n鳥,,bird,\n")
    assert main(["import", "words", str(source)]) == 1
    err = capsys.readouterr().err
    assert "line 2: " in err and len(err.strip().splitlines()) == 1
