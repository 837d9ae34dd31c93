"""GET /messages: the study apps' messages in the learner's language, cached per language."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lang_portal.i18n import catalog
from tests.helpers import MountClient

JA = {"Accept-Language": "ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_the_spec_messages_in_each_language(api: MountClient) -> None:
    english = api.get("/messages")
    assert english.status == 200
    assert english.data["language"] == "en"
    assert english.data["messages"]["study.session.start"] == "Study session started"
    assert english.data["messages"]["study.session.complete"] == (
        "Session completed! You learned {count} words"
    )
    japanese = api.get("/messages", headers=JA)
    assert japanese.data["language"] == "ja"
    assert japanese.data["messages"]["study.session.start"] == "学習セッションを開始しました"
    assert japanese.data["messages"]["study.session.complete"] == "{count}個の単語を学習しました！"
    chinese = api.get("/messages", headers=ZH)
    assert chinese.data["language"] == "zh"
    assert chinese.data["messages"]["study.session.complete"] == "会话完成！您学习了{count}个单词"
    assert chinese.data["messages"]["errors.code.resource_not_found"] == "未找到请求的资源"
    for answer in (english, japanese, chinese):
        assert answer.headers["content-language"] == answer.data["language"]
        assert "accept-language" in answer.headers["vary"].lower()
        assert set(answer.data["messages"]) == set(english.data["messages"])
    assert english.data["languages"] == [
        {"code": "en", "name": "English", "rtl": False},
        {"code": "ja", "name": "日本語", "rtl": False},
        {"code": "zh", "name": "中文", "rtl": False},
    ]


def test_the_set_is_every_study_app_message_and_no_server_error(api: MountClient) -> None:
    messages = api.get("/messages", headers=JA).data["messages"]
    study_keys = {
        key for key in catalog("en") if key.startswith(("study.", "portal.", "errors.code."))
    }
    assert set(messages) == study_keys
    assert messages == {key: catalog("ja")[key] for key in study_keys}


def test_the_cache_keeps_each_language_apart(client: TestClient) -> None:
    """The same URL asked in turn in each language, twice over (the second from the cache)."""
    seen: dict[str, tuple[str, str]] = {}
    for _ in range(2):
        for language, headers in (
            ("ja", JA),
            ("en", {}),
            ("zh", ZH),
            ("ja", {"Accept-Language": "ja"}),
        ):
            response = client.get("/api/v1/messages", headers=headers)
            assert response.status_code == 200
            data = response.json()["data"]
            assert data["language"] == language
            assert response.headers["content-language"] == language
            assert "accept-language" in response.headers["vary"].lower()
            start = data["messages"]["study.session.start"]
            etag = response.headers["etag"]
            assert seen.setdefault(language, (start, etag)) == (start, etag)
    assert len({start for start, _ in seen.values()}) == 3
    assert len({etag for _, etag in seen.values()}) == 3


def test_an_etag_of_one_language_is_not_a_304_for_another(client: TestClient) -> None:
    japanese = client.get("/api/v1/messages", headers=JA)
    etag = japanese.headers["etag"]
    again = client.get("/api/v1/messages", headers={**JA, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["content-language"] == "ja"
    english = client.get("/api/v1/messages", headers={"If-None-Match": etag})
    assert english.status_code == 200
    assert english.json()["data"]["language"] == "en"


def test_a_cached_list_in_the_spec_is_the_same_in_every_language(client: TestClient) -> None:
    """Data carries no language: the same body and ETag, and no Content-Language."""
    english = client.get("/api/v1/groups")
    japanese = client.get("/api/v1/groups", headers=JA)
    assert english.json()["data"] == japanese.json()["data"]
    assert english.headers["etag"] == japanese.headers["etag"]
    assert "content-language" not in japanese.headers


def test_the_reset_messages_are_in_the_language(api: MountClient) -> None:
    japanese = api.post("/reset_history", headers=JA)
    assert japanese.status == 200
    assert japanese.data == {"success": True, "message": "学習履歴をリセットしました"}
    assert japanese.headers["content-language"] == "ja"
    english = api.post("/reset_history")
    assert english.data == {"success": True, "message": "Study history has been reset"}
    chinese = api.post("/full_reset", headers=ZH)
    assert chinese.data == {"success": True, "message": "系统已完全重置"}


def test_the_legacy_reset_message_is_in_the_language(client: TestClient) -> None:
    response = client.post("/api/study-sessions/reset", headers=ZH)
    assert response.status_code == 200
    assert response.json() == {"message": "学习记录已重置"}
    assert response.headers["content-language"] == "zh"
