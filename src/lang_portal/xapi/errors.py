"""The errors of the xAPI door: each carries its HTTP status and a message for the client."""

from __future__ import annotations

from collections.abc import Mapping


class XapiError(Exception):
    """Refused with `status` and a JSON body `{"message": ...}` (plus any `extra` fields)."""

    status: int = 400

    def __init__(
        self,
        message: str,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})

    def body(self) -> dict[str, object]:
        return {"message": self.message}


class XapiValidationError(XapiError):
    """A statement (or agent, activity, ...) breaks a rule of the Data part: 400.

    `path` locates the offending value (`actor.mbox`, `context.contextActivities.parent[0].id`),
    `rule` names the requirement it breaks, in words a client developer can act on.
    """

    status = 400

    def __init__(self, path: str, rule: str) -> None:
        super().__init__(f"{path or 'statement'}: {rule}")
        self.path = path
        self.rule = rule

    def body(self) -> dict[str, object]:
        return {"message": self.message, "path": self.path, "rule": self.rule}


class XapiBadRequest(XapiError):
    status = 400


class XapiUnauthorized(XapiError):
    status = 401


class XapiForbidden(XapiError):
    status = 403


class XapiNotFound(XapiError):
    status = 404


class XapiConflict(XapiError):
    status = 409


class XapiPreconditionFailed(XapiError):
    status = 412
