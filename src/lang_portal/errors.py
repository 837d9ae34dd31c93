"""The errors the service raises on purpose, each with the contract's code and HTTP status.

An error names its message by a catalog key (lang_portal.i18n), with the message's parameters
as keyword arguments: `NotFoundError("errors.not_found.word", {"id": 3}, id=3)`. The handlers
render it in the request's language; `message` is the English, for logs and the CLI. The code
never depends on the language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from lang_portal.i18n import DEFAULT_LANGUAGE, Text, localize


class ApiError(Exception):
    code = "INTERNAL_SERVER_ERROR"
    status_code = 500

    def __init__(
        self, key: str, details: Mapping[str, Any] | None = None, /, **params: object
    ) -> None:
        self.text = Text(key, **params)
        self.message = self.text.render(DEFAULT_LANGUAGE)
        super().__init__(self.message)
        # values may be `Text` (a field's problem): rendered with the message (`details_in`)
        self.details: dict[str, Any] = dict(details or {})

    @property
    def key(self) -> str:
        return self.text.key

    def message_in(self, language: str) -> str:
        return self.text.render(language)

    def details_in(self, language: str) -> dict[str, Any]:
        localized: dict[str, Any] = localize(self.details, language)
        return localized


class InvalidInputError(ApiError):
    code = "INVALID_INPUT"
    status_code = 400


Resource = Literal["word", "group", "study session", "study activity", "review"]


class NotFoundError(ApiError):
    code = "RESOURCE_NOT_FOUND"
    status_code = 404

    @classmethod
    def of(cls, kind: Resource, identifier: object) -> NotFoundError:
        return cls(
            "errors.not_found." + kind.replace(" ", "_"),
            {"resource": kind, "id": identifier},
            id=identifier,
        )


class ValidationFailedError(ApiError):
    code = "VALIDATION_FAILED"
    status_code = 422


class BusinessRuleError(ApiError):
    code = "BUSINESS_RULE_VIOLATION"
    status_code = 422


class SessionExpiredError(ApiError):
    code = "SESSION_EXPIRED"
    status_code = 422


class DuplicateEntryError(ApiError):
    code = "DUPLICATE_ENTRY"
    status_code = 409
