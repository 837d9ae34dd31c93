"""Error messages in the learner's language (Accept-Language), on every mount, the code the same.

Each error is asked for in English, Japanese and Chinese: the code, the status and the details'
keys never change; the message (and a field's problem) is the catalog's text in that language,
and the response says so in `Content-Language`, with `Vary: Accept-Language` for caches.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from lang_portal.app import create_app
from lang_portal.database import WritesSuspendedError
from lang_portal.errors import BusinessRuleError
from lang_portal.service.container import Services
from tests.helpers import MountClient

JA = {"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"}
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-US,en;q=0.9"}


def _each_language(api: MountClient, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """The error of one request in each language; asserts what must not change."""
    found: dict[str, Any] = {}
    for language, headers in (("en", EN), ("ja", JA), ("zh", ZH)):
        answer = api.call(method, path, headers=headers, **kwargs)
        assert answer.error is not None, answer
        assert answer.headers["content-language"] == language
        assert "accept-language" in answer.headers["vary"].lower()
        found[language] = answer
    assert len({answer.status for answer in found.values()}) == 1
    assert len({answer.error["code"] for answer in found.values()}) == 1
    assert len({tuple(answer.error["details"]) for answer in found.values()}) == 1
    return {language: answer.error for language, answer in found.items()}


def test_an_unknown_word_in_each_language(api: MountClient) -> None:
    errors = _each_language(api, "GET", "/words/999999")
    assert errors["en"]["code"] == "RESOURCE_NOT_FOUND"
    assert errors["en"]["message"] == "word 999999 was not found"
    assert errors["ja"]["message"] == "単語 999999 が見つかりません"
    assert errors["zh"]["message"] == "未找到单词 999999"
    assert errors["ja"]["details"] == errors["en"]["details"] == {"resource": "word", "id": 999999}


def test_no_header_and_unknown_languages_are_english(api: MountClient) -> None:
    for headers in ({}, {"Accept-Language": "fr-FR,de;q=0.8"}, {"Accept-Language": "*"}):
        answer = api.get("/groups/999999", headers=headers)
        assert answer.error is not None
        assert answer.error["message"] == "group 999999 was not found"
        assert answer.headers["content-language"] == "en"


def test_q_values_choose_the_language(api: MountClient) -> None:
    answer = api.get("/groups/999999", headers={"Accept-Language": "en;q=0.3, zh-TW;q=0.8"})
    assert answer.error is not None and answer.error["message"] == "未找到词组 999999"
    answer = api.get("/groups/999999", headers={"Accept-Language": "zh;q=0.2, ja;q=0.7, en;q=0.5"})
    assert (
        answer.error is not None and answer.error["message"] == "グループ 999999 が見つかりません"
    )


def test_field_problems_are_translated_by_their_type(api: MountClient) -> None:
    errors = _each_language(
        api,
        "POST",
        "/words",
        json={"japanese": "ねこ", "romaji": "", "english": "x" * 201, "colour": 1},
    )
    assert errors["en"]["code"] == "VALIDATION_FAILED"
    assert errors["en"]["message"] == "the request has invalid fields"
    assert errors["ja"]["message"] == "リクエストに無効な項目があります"
    assert errors["zh"]["message"] == "请求中有无效字段"
    assert set(errors["en"]["details"]) == {"romaji", "english", "colour"}
    assert errors["en"]["details"]["colour"] == "Extra inputs are not permitted"
    assert errors["ja"]["details"]["colour"] == "この項目は使えません"
    assert errors["zh"]["details"]["colour"] == "不允许额外的字段"
    # the project's own rules, by their message keys
    assert errors["en"]["details"]["romaji"] == "must not be empty"
    assert errors["ja"]["details"]["romaji"] == "空にはできません"
    assert errors["en"]["details"]["english"] == "must be at most 200 characters (got 201)"
    assert errors["zh"]["details"]["english"] == "最多 200 个字符（实际 201 个）"


def test_pydantic_context_values_fill_the_translation(api: MountClient) -> None:
    errors = _each_language(api, "GET", "/words", params={"page": 0, "order": "up"})
    assert errors["en"]["details"]["page"] == "Input should be greater than or equal to 1"
    assert errors["ja"]["details"]["page"] == "1 以上の値を指定してください"
    assert errors["zh"]["details"]["order"] == "应为以下之一：'asc' or 'desc'"
    missing = _each_language(api, "POST", "/groups", json={})
    assert missing["en"]["details"]["name"] == "Field required"
    assert missing["ja"]["details"]["name"] == "必須項目です"
    assert missing["zh"]["details"]["name"] == "必填字段"


def test_a_detail_written_by_the_service_is_translated(api: MountClient) -> None:
    errors = _each_language(api, "GET", "/words", params={"per_page": 10**6})
    assert errors["en"]["details"] == {"per_page": "must be between 1 and 100"}
    assert errors["ja"]["details"] == {"per_page": "1 から 100 の間でなければなりません"}
    assert errors["ja"]["message"] == "per_page がページサイズの上限を超えています"


def test_duplicates_and_business_rules(api: MountClient) -> None:
    name = f"i18n {api.mount}"
    assert api.post("/groups", json={"name": name}).status == 201
    errors = _each_language(api, "POST", "/groups", json={"name": name})
    assert errors["en"]["code"] == "DUPLICATE_ENTRY"
    assert errors["en"]["message"] == f"a group named {name!r} exists"
    assert errors["ja"]["message"] == f"{name!r} という名前のグループがすでにあります"
    assert errors["zh"]["message"] == f"已存在名为 {name!r} 的词组"


def test_framework_errors_in_each_language(api: MountClient) -> None:
    unknown = _each_language(api, "GET", "/no/such/route")
    prefix = api.prefix
    assert unknown["en"]["message"] == f"no route for GET {prefix}/no/such/route"
    assert unknown["ja"]["message"] == f"GET {prefix}/no/such/route は存在しません"
    method = _each_language(api, "DELETE", "/dashboard/study_progress")
    assert method["en"]["code"] == "INVALID_INPUT"
    assert method["zh"]["message"] == f"{prefix}/dashboard/study_progress 不允许使用 DELETE"
    unreadable = _each_language(api, "POST", "/groups", content=b"{not json")
    assert unreadable["en"]["message"] == "the request body must be a JSON object"
    assert unreadable["ja"]["message"] == "リクエスト本文は JSON オブジェクトでなければなりません"
    assert unreadable["ja"]["code"] == "INVALID_INPUT"


def test_legacy_errors_are_the_message_in_the_language(client: TestClient) -> None:
    for headers, text in ((EN, "word 999999 was not found"), (JA, "単語 999999 が見つかりません")):
        response = client.get("/words/999999", headers=headers)
        assert response.status_code == 404
        assert response.json() == {"error": text}
        assert response.headers["content-language"] == headers["Accept-Language"][:2]
    response = client.post("/study_sessions", json={"group_id": 1}, headers=ZH)
    assert response.status_code == 400
    assert response.json() == {"error": "study_activity_id: 必填字段"}


def _app_raising(services: Services, error: Exception) -> TestClient:
    app = create_app(services.context.settings, services=services)

    async def failing() -> None:
        raise error

    app.add_api_route("/api/v1/failing", failing)
    app.add_api_route("/api/failing", failing)
    return TestClient(app, raise_server_exceptions=False)


def test_the_breakers_read_only_503_in_each_language(services: Services) -> None:
    client = _app_raising(services, WritesSuspendedError("disk_full", 30))
    english = client.get("/api/v1/failing")
    japanese = client.get("/api/v1/failing", headers=JA)
    chinese = client.get("/api/failing", headers=ZH)
    for response in (english, japanese, chinese):
        assert response.status_code == 503
        assert response.headers["retry-after"] == "30"
        assert response.json()["error"]["code"] == "DATABASE_ERROR"
    assert english.json()["error"]["message"].startswith("writes are suspended")
    assert japanese.json()["error"]["message"].startswith("保存の失敗が続いたため")
    assert chinese.json()["error"]["message"].startswith("由于存储多次失败")


def test_an_unexpected_error_is_500_in_each_language(services: Services) -> None:
    client = _app_raising(services, RuntimeError("boom"))
    assert client.get("/api/v1/failing").json()["error"]["message"] == "an internal error occurred"
    response = client.get("/api/failing", headers=JA)
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "INTERNAL_SERVER_ERROR",
            "message": "内部エラーが発生しました",
            "details": {},
        }
    }


def test_a_business_rule_raised_anywhere_is_rendered_in_the_language(services: Services) -> None:
    error = BusinessRuleError("errors.business.max_groups", {"max_groups": 3}, max_groups=3)
    client = _app_raising(services, error)
    response = client.get("/api/v1/failing", headers=ZH)
    assert response.status_code == 422
    assert response.json()["error"] | {} == {
        "code": "BUSINESS_RULE_VIOLATION",
        "message": "词组最多只能有 3 个",
        "details": {"max_groups": 3},
    }


def test_the_timeout_504_in_each_language(services: Services) -> None:
    quick = services.context.settings.model_copy(update={"request_timeout_seconds": 0.2})
    app = create_app(quick, services=services)
    never = anyio.Event()

    async def stuck() -> None:
        await never.wait()

    app.add_api_route("/api/v1/stuck", stuck)
    with TestClient(app) as client:
        response = client.get("/api/v1/stuck", headers=JA)
        assert response.status_code == 504
        assert response.json()["error"]["message"] == "リクエストの処理が 0.2 秒を超えました"
        assert response.headers["content-language"] == "ja"


@pytest.mark.parametrize(
    ("headers", "message"),
    [(EN, "the request body is larger than 100 bytes"), (ZH, "请求体超过 100 字节")],
)
def test_the_body_limit_413_in_each_language(
    services: Services, headers: dict[str, str], message: str
) -> None:
    small = services.context.settings.model_copy(update={"max_request_size": 100})
    with TestClient(create_app(small, services=services)) as client:
        declared = client.post("/api/v1/groups", content=b"x" * 200, headers=headers)
        assert declared.status_code == 413
        assert declared.json()["error"]["message"] == message
        assert declared.json()["error"]["code"] == "INVALID_INPUT"
