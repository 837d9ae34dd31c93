"""The errors the service raises on purpose, each with the contract's code and HTTP status."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    code = "INTERNAL_SERVER_ERROR"
    status_code = 500

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidInputError(ApiError):
    code = "INVALID_INPUT"
    status_code = 400


class NotFoundError(ApiError):
    code = "RESOURCE_NOT_FOUND"
    status_code = 404

    @classmethod
    def of(cls, kind: str, identifier: object) -> NotFoundError:
        return cls(f"{kind} {identifier} was not found", {"resource": kind, "id": identifier})


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
