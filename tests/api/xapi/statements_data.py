"""Statements for the tests: small, valid, and easy to vary."""

from __future__ import annotations

import copy
import uuid
from typing import Any

EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
LEARNER = {"objectType": "Agent", "name": "Hana", "mbox": "mailto:hana@example.com"}
TEACHER = {"objectType": "Agent", "name": "Sato", "mbox": "mailto:sato@example.com"}
ACTIVITY = "http://example.com/activities/kana-quiz"


def statement(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "actor": copy.deepcopy(LEARNER),
        "verb": {"id": EXPERIENCED, "display": {"en-US": "experienced"}},
        "object": {
            "objectType": "Activity",
            "id": ACTIVITY,
            "definition": {"name": {"en-US": "Kana quiz"}},
        },
    }
    base.update(overrides)
    return base


def with_id(**overrides: Any) -> dict[str, Any]:
    return statement(id=str(uuid.uuid4()), **overrides)


def voiding(target: str, **overrides: Any) -> dict[str, Any]:
    return statement(
        verb={"id": VOIDED, "display": {"en-US": "voided"}},
        object={"objectType": "StatementRef", "id": target},
        **overrides,
    )
