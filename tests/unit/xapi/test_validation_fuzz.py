"""Whatever JSON a client sends, the validator answers with a verdict, never a crash.

Valid statements are broken at a random place (a value replaced by any JSON, a key added or
removed); validation must then pass or raise `XapiValidationError`, with a path that exists.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lang_portal.xapi.errors import XapiValidationError  # noqa: E402
from lang_portal.xapi.validation import validate_statement, validate_statements  # noqa: E402
from tests.unit.xapi.test_validation import (  # noqa: E402
    CONTEXT_AGENTS,
    CONTEXT_GROUPS,
    accepted_statements,
    changed,
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["", "http://example.com/x", "mailto:a@b.c", "en-US", "PT1S", "Group"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)

BASES: list[dict[str, Any]] = [statement for _, statement in accepted_statements()]
BASES.append(
    changed(BASES[0], "context", {"contextAgents": CONTEXT_AGENTS, "contextGroups": CONTEXT_GROUPS})
)


def _containers(value: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (as key/index steps) to a dict or list inside `value`, itself included."""
    found = [trail] if isinstance(value, dict | list) else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _containers(child, (*trail, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _containers(child, (*trail, index))
    return found


@st.composite
def broken_statements(draw: st.DrawFn) -> dict[str, Any]:
    statement = copy.deepcopy(draw(st.sampled_from(BASES)))
    target: Any = statement
    for step in draw(st.sampled_from(_containers(statement))):
        target = target[step]
    action = draw(st.sampled_from(["replace", "add", "remove"]))
    if isinstance(target, list):
        if target and action != "add":
            index = draw(st.integers(0, len(target) - 1))
            if action == "remove":
                del target[index]
            else:
                target[index] = draw(JSON)
        else:
            target.append(draw(JSON))
    elif target and action != "add":
        key = draw(st.sampled_from(sorted(target)))
        if action == "remove":
            del target[key]
        else:
            target[key] = draw(JSON)
    else:
        target[draw(st.text(max_size=10))] = draw(JSON)
    return statement


@settings(max_examples=400, deadline=None)
@given(statement=broken_statements(), version=st.sampled_from(["1.0.3", "2.0.0"]))
def test_any_broken_statement_gets_a_verdict(statement: dict[str, Any], version: str) -> None:
    try:
        validate_statement(statement, version)
    except XapiValidationError as error:
        assert error.status == 400
        assert error.rule
        assert error.message.startswith(error.path or "statement")
    # A batch of it is judged the same way, its paths under [0].
    try:
        validate_statements([statement], version)
    except XapiValidationError as error:
        assert error.path.startswith("[0]")


@settings(max_examples=200, deadline=None)
@given(body=JSON, version=st.sampled_from(["1.0.3", "2.0.0"]))
def test_any_json_body_gets_a_verdict(body: object, version: str) -> None:
    with contextlib.suppress(XapiValidationError):
        validate_statements(body, version)
