"""Property-based fuzzing generated from the OpenAPI document, over every operation on every mount.

For each operation schemathesis generates valid requests (positive) and requests that break the
documented schema (negative) and sends them to the ASGI app over a fresh, migrated and seeded
database. Every answer must: not be a 5xx, use a documented status and content type, match its
documented body schema, and (for errors) use its mount's envelope.

Bounded for CI by FUZZ_EXAMPLES (default 15 per operation and mode); `make fuzz` runs 500.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.python import asgi  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lang_portal.app import create_app  # noqa: E402
from lang_portal.clock import SystemClock  # noqa: E402
from lang_portal.settings import Settings, load_settings  # noqa: E402
from tests.conftest import FIXTURE_SEEDS  # noqa: E402
from tests.helpers import migrated_services  # noqa: E402
from tests.reliability.envelopes import envelope_problem, route_mounts  # noqa: E402
from tests.reliability.figures import record_figure  # noqa: E402
from tests.reliability.regex_once import install  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    directory: Path = tmp_path_factory.mktemp("fuzz")
    settings = load_settings(
        database_path=directory / "fuzz.db", timezone="UTC", **_rate_limit_off()
    )
    services = migrated_services(settings, SystemClock(), FIXTURE_SEEDS)
    app = create_app(settings, services=services)
    yield app
    services.context.db.close()


def _rate_limit_off() -> dict[str, Any]:
    """Fuzzing sends thousands of requests from one address: no rate limit may answer them."""
    fields = Settings.model_fields
    if "rate_limit_enabled" in fields:
        return {"rate_limit_enabled": False}
    return {"rate_limit_requests": 1_000_000_000}


def _envelope_check(mounts: dict[tuple[str, str], str]) -> Any:
    def error_uses_mount_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
        mount = mounts.get((case.method.upper(), case.path), "system")
        if response.status_code < 400:
            return None
        try:
            body = response.json()
        except ValueError as exc:
            raise AssertionError(f"error body is not JSON: {response.text[:200]!r}") from exc
        problem = envelope_problem(mount, response.status_code, body)
        if problem:
            raise AssertionError(f"{case.method} {case.path} ({mount}): {problem}")
        return None

    return error_uses_mount_envelope


def _fuzz(
    operation: Any,
    mode: GenerationMode,
    label: str,
    envelope: Any,
    session: Any,
    sent: Counter[str],
    statuses: Counter[int],
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    def run(case: Any) -> None:
        response = case.call(session=session)
        sent[label] += 1
        statuses[response.status_code] += 1
        case.validate_response(response, checks=[*CHECKS, envelope])

    run()


def _describe(label: str, exc: BaseException) -> str:
    parts = [f"{label}: {exc}"]
    for sub in getattr(exc, "exceptions", ()):
        parts.append(f"  - {sub}"[:1500])
    return "\n".join(parts)


@pytest.fixture
def regex_strategies_built_once() -> Iterator[None]:
    undo = install()  # minutes of this test went on building the same regex strategies
    yield
    undo()


@pytest.mark.usefixtures("regex_strategies_built_once")
def test_every_operation_keeps_its_contract_under_generated_input(fuzz_app: Any) -> None:
    with ExitStack() as stack:
        _run_all(fuzz_app, stack)


def _run_all(fuzz_app: Any, stack: ExitStack) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    mounts = route_mounts(fuzz_app)
    envelope = _envelope_check(mounts)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "the OpenAPI document lists no operations"
    covered_mounts = {mounts.get((op.method.upper(), op.path), "system") for op in operations}
    assert {"v1", "bare"} <= covered_mounts

    sent: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    unsatisfiable: list[str] = []
    session = stack.enter_context(asgi.get_client(fuzz_app))
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            label = f"{operation.label} [{mode.value}]"
            try:
                _fuzz(operation, mode, label, envelope, session, sent, statuses)
            except Unsatisfiable:
                # An operation without parameters or body has no negative form to send.
                unsatisfiable.append(label)
            except (Exception, BaseExceptionGroup) as exc:  # collect all: report every operation
                failures.append(_describe(label, exc))
    record_figure(
        "fuzz",
        {
            "operations": len(operations),
            "mounts": sorted(covered_mounts),
            "examples_per_operation_and_mode": EXAMPLES,
            "requests_sent": sum(sent.values()),
            "operations_without_negative_form": len(unsatisfiable),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
        },
    )
    assert not failures, "\n\n".join(failures)
