"""An import's refused rows say why in the request's language, on both JSON mounts: the paths,
lines, the error code and the keys of `details` stay the same in every language."""

from __future__ import annotations

from typing import Any

from lang_portal.i18n import translate
from tests.helpers import MountClient

JA = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
START = "2026-01-14T10:00:00Z"


def _history() -> dict[str, Any]:
    """A file with one problem of each kind the reasons below name."""
    return {
        "format_version": "1.0",
        "study_sessions": [
            {
                "date": "2026-02-01T00:00:00Z",  # after the test clock's now
                "group": "Basic Greetings",
                "study_activity": "Typing Tutor",
                "words": [],
            },
            {
                "date": START,
                "group": "No Such Group",
                "study_activity": "Typing Tutor",
                "words": [
                    {"japanese": "おはよう", "result": "maybe"},
                    {"japanese": "おはよう", "result": "wrong", "grade": "good"},
                    {"japanese": "ないことば", "english": "none", "result": "correct"},
                    {"japanese": "おはよう", "result": "correct", "response": "\u0007"},
                    {"japanese": "おはよう", "result": "correct", "reviewed_at": "yesterday"},
                ],
            },
        ],
    }


def _refused(api: MountClient, path: str, headers: dict[str, str], **kwargs: Any) -> Any:
    answer = api.post(path, headers=headers, **kwargs)
    assert answer.status == 422
    assert answer.error is not None and answer.error["code"] == "VALIDATION_FAILED"
    assert set(answer.error["details"]) == {"errors", "error_count"}
    return answer


def test_history_reasons_in_japanese_and_english(api: MountClient) -> None:
    japanese = _refused(api, "/import/history", JA, json=_history())
    english = _refused(api, "/import/history", {}, json=_history())
    ja_errors = japanese.error["details"]["errors"]
    en_errors = english.error["details"]["errors"]
    # the same rows refused, by the same paths, whatever the language
    assert [e["path"] for e in ja_errors] == [e["path"] for e in en_errors]
    assert all(set(e) == {"path", "reason"} for e in ja_errors + en_errors)
    assert japanese.error["details"]["error_count"] == english.error["details"]["error_count"] == 7
    assert japanese.headers["content-language"] == "ja"
    assert (
        japanese.error["message"]
        == "履歴を受け付けられません: 問題が 7 件あります。何も取り込まれていません"
    )

    words = "study_sessions[1].words"
    assert {e["path"]: e["reason"] for e in en_errors} == {
        "study_sessions[0].date": "starts in the future",
        "study_sessions[1].group": "names no group in the file or the database",
        f"{words}[0].result": "must be 'correct' or 'wrong'",
        f"{words}[1].grade": "'good' contradicts result 'wrong' (a wrong answer is 'again')",
        f"{words}[2]": "no word 'ないことば' meaning 'none'",
        f"{words}[3].response": ("control or invisible character U+0007 is not allowed, or null"),
        f"{words}[4].reviewed_at": "must be an RFC 3339 date-time string",
    }
    assert {e["path"]: e["reason"] for e in ja_errors} == {
        "study_sessions[0].date": "開始が未来の日時です",
        "study_sessions[1].group": "ファイルにもデータベースにもないグループです",
        f"{words}[0].result": "'correct' か 'wrong' でなければなりません",
        f"{words}[1].grade": "'good' は結果 'wrong' と矛盾します（不正解は 'again' です）",
        f"{words}[2]": "意味が 'none' の単語 'ないことば' はありません",
        # a rule's own reason inside the import's, both in Japanese
        f"{words}[3].response": (
            translate("validation.control_character", "ja", code_point="U+0007") + "（または null）"
        ),
        f"{words}[4].reviewed_at": "RFC 3339 形式の日時文字列でなければなりません",
    }
    version = _refused(
        api, "/import/history", JA, json={"format_version": "9", "study_sessions": []}
    )
    assert version.error["details"]["errors"] == [
        {"path": "format_version", "reason": "1, 1.0, 1.1 のいずれかでなければなりません"}
    ]
    assert not any(e["reason"] == en["reason"] for e, en in zip(ja_errors, en_errors, strict=True))


def test_word_list_reasons_in_each_language(api: MountClient) -> None:
    header = {"content-type": "text/csv"}
    bad_header = "word,meaning\nたべる,taberu\n"
    for headers, expected in (
        (
            {},
            "the header must be japanese,romaji,english,tags,groups (or japanese,romaji,"
            "english,tags, the tags then naming groups)",
        ),
        (
            JA,
            "見出し行は japanese,romaji,english,tags,groups でなければなりません（または "
            "japanese,romaji,english,tags。その場合 tags はグループ名です）",
        ),
        (
            ZH,
            "标题行必须是 japanese,romaji,english,tags,groups（或 japanese,romaji,english,tags，"
            "此时 tags 表示分组名）",
        ),
    ):
        answer = _refused(api, "/import/words", {**header, **headers}, content=bad_header.encode())
        assert answer.error["details"]["errors"] == [{"line": 1, "reason": expected}]

    rows = (
        "japanese,romaji,english,tags,groups\n"
        "たべる,taberu\n"
        "のむ,nomu,drink,,\n"
        "Жたべる,taberu,eat,,\n"
    )
    japanese = _refused(api, "/import/words", {**header, **JA}, content=rows.encode())
    english = _refused(api, "/import/words", header, content=rows.encode())
    assert english.error["details"]["errors"] == [
        {"line": 2, "reason": "expected 5 columns, found 2"},
        {
            "line": 4,
            "field": "japanese",
            "reason": translate("validation.japanese_characters", "en", characters="Ж"),
        },
    ]
    assert japanese.error["details"]["errors"] == [
        {"line": 2, "reason": "列は 5 個のはずですが、2 個あります"},
        {
            "line": 4,
            "field": "japanese",
            "reason": translate("validation.japanese_characters", "ja", characters="Ж"),
        },
    ]
    assert japanese.error["message"] == (
        "単語リストを受け付けられません: 問題が 2 件あります。何も取り込まれていません"
    )
