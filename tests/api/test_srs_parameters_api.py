"""The FSRS parameters over HTTP: defaults before any fit, a fit on a synthetic learner kept
only when it wins on held-out answers, stored with its scores, used by the next answer, and the
way back to the defaults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fsrs.scheduler import DEFAULT_PARAMETERS

from lang_portal.clock import FixedClock
from lang_portal.service.container import Services
from lang_portal.service.optimizer import MIN_TRAINING_REVIEWS
from tests.helpers import MountClient
from tests.synthetic_learner import sessions, write_history

HISTORY_START = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"srs_optimize_every": 0}


def learner_history(
    services: Services, clock: FixedClock, words: int = 120, days: int = 150
) -> int:
    clock.set(datetime(2025, 6, 15, tzinfo=UTC))
    with services.context.db.write() as connection:
        written = write_history(connection, 1, 1, sessions(words, days, HISTORY_START), words)
        services.answers.rebuild(connection)
    return written


def cards(services: Services) -> list[tuple[Any, ...]]:
    with services.context.db.read() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                "SELECT word_id, stability, difficulty, due FROM srs_cards ORDER BY word_id"
            )
        ]


def test_defaults_before_any_fit(api: MountClient) -> None:
    answer = api.get("/srs/parameters")
    assert answer.status == 200
    body = answer.data
    assert body["source"] == "defaults"
    assert body["parameters"] == [round(w, 6) for w in DEFAULT_PARAMETERS]
    assert body["model"] == "FSRS-6"
    assert body["optimizer"].startswith("fsrs-rs-python")
    assert body["fitted_at"] is None and body["split"] is None and body["scores"] == {}
    assert body["last_attempt"] is None


def test_too_little_history_keeps_the_defaults_and_says_how_much_is_needed(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    learner_history(services, clock, words=10, days=12)
    outcome = services.optimizer.optimize()
    assert outcome is not None and not outcome.kept
    assert outcome.answers_needed is not None and outcome.answers_needed > 0
    assert "too little history" in outcome.reason
    assert str(MIN_TRAINING_REVIEWS) in outcome.reason
    body = api.get("/srs/parameters").data
    assert body["source"] == "defaults"
    assert body["last_attempt"]["kept"] is False
    assert body["last_attempt"]["answers_needed"] == outcome.answers_needed


def test_a_fit_that_wins_is_stored_with_its_scores_and_replays_every_card(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    learner_history(services, clock)
    before = cards(services)
    outcome = services.optimizer.optimize()
    assert outcome is not None
    assert outcome.kept, outcome.reason
    fitted, defaults, constant = (outcome.scores[k] for k in ("fitted", "defaults", "constant"))
    assert fitted is not None and defaults is not None and constant is not None
    assert fitted.rmse_bins is not None and defaults.rmse_bins is not None
    assert fitted.rmse_bins < defaults.rmse_bins
    assert fitted.log_loss is not None and defaults.log_loss is not None
    assert fitted.log_loss <= defaults.log_loss
    assert outcome.split.training_answers + outcome.split.held_out_answers == outcome.split.answers
    assert outcome.split.held_out_answers == pytest.approx(0.2 * outcome.split.answers, abs=2)

    body = api.get("/srs/parameters").data
    assert body["source"] == "fitted"
    assert body["parameters"] == outcome.parameters
    assert body["parameters"] != [round(w, 6) for w in DEFAULT_PARAMETERS]
    assert body["fitted_at"] == "2025-06-15T00:00:00+00:00"
    assert body["scores"]["fitted"] == fitted.model_dump()
    assert body["scores"]["defaults"] == defaults.model_dump()
    assert body["scores"]["constant"]["auc"] == 0.5
    assert body["split"]["answers"] == outcome.split.answers
    # the synthetic learner's app knows right and wrong only: answer times were tried
    assert body["answer_time"]["tried"] is True
    assert set(body["answer_time"]) >= {"log_loss_right_as_good", "log_loss_slow_right_as_hard"}
    adopted = body["answer_time"]["adopted"]
    assert (body["slow_correct_as_hard_ms"] is not None) == adopted
    # every card replayed with the new parameters, in the pipeline: as a rebuild leaves them
    after = cards(services)
    assert after != before
    with services.context.db.write() as connection:
        services.answers.rebuild(connection)
    assert cards(services) == after


def test_the_next_answer_is_scheduled_with_the_fitted_parameters(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    learner_history(services, clock)
    outcome = services.optimizer.optimize()
    assert outcome is not None and outcome.kept and outcome.parameters is not None
    session = api.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1}).data["id"]
    # a word never answered: its first stability is the fitted w2 (good), not the default
    assert (
        api.post(f"/study_sessions/{session}/words/2/review", json={"correct": True}).status == 201
    )
    stability = api.get("/words/2").data["srs"]["stability"]
    assert stability == round(outcome.parameters[2], 4)
    assert stability != round(DEFAULT_PARAMETERS[2], 4)


def test_a_second_fit_must_beat_the_first(services: Services, clock: FixedClock) -> None:
    learner_history(services, clock)
    first = services.optimizer.optimize()
    assert first is not None and first.kept
    again = services.optimizer.optimize()
    assert again is not None
    # same data, same fit: it cannot have a lower RMSE than itself, so nothing changes
    assert "in_use" in again.scores
    assert not again.kept and "not kept" in again.reason


def test_back_to_the_defaults(api: MountClient, services: Services, clock: FixedClock) -> None:
    learner_history(services, clock)
    default_cards = cards(services)
    services.optimizer.optimize()
    assert cards(services) != default_cards
    reset = api.delete("/srs/parameters")
    assert reset.status == 200
    assert reset.data["source"] == "reset"
    assert reset.data["parameters"] == [round(w, 6) for w in DEFAULT_PARAMETERS]
    assert cards(services) == default_cards
    assert api.get("/srs/parameters").data["source"] == "reset"


def test_the_cli_fits_and_prints_the_scores(
    services: Services,
    clock: FixedClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from lang_portal import cli

    learner_history(services, clock)
    services.context.db.close()
    monkeypatch.setenv("DATABASE_PATH", str(services.context.settings.database_path))
    assert cli.main(["srs", "optimize"]) == 0
    out = capsys.readouterr().out
    assert "held out" in out and "fitted" in out and "defaults" in out and "constant" in out
    assert "kept: beats the defaults" in out


def test_the_openapi_document_describes_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for prefix in ("/api/v1", "/api"):
        assert set(paths[f"{prefix}/srs/parameters"]) == {"get", "delete"}


def _answer(api: MountClient) -> None:
    session = api.post("/study_sessions", json={"group_id": 1, "study_activity_id": 1}).data["id"]
    stored = api.post(f"/study_sessions/{session}/words/1/review", json={"correct": True})
    assert stored.status == 201


def _wait_for_refit(services: Services) -> None:
    process = services.optimizer.refit_process
    assert process is not None, "no refit was started"
    process.join(timeout=300)
    assert process.exitcode == 0


@pytest.mark.parametrize("settings_overrides", [{"srs_optimize_every": 50}])
def test_a_refit_starts_in_the_background_after_enough_new_answers(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    learner_history(services, clock)
    _answer(api)  # the stored history is far more than 50 answers past the last attempt
    _wait_for_refit(services)
    body = api.get("/srs/parameters").data
    assert body["refit_every"] == 50
    assert body["source"] == "fitted" and body["last_attempt"]["kept"] is True
    # the next answer is not 50 past the attempt: no new refit
    services.optimizer.refit_process = None
    _answer(api)
    assert services.optimizer.refit_process is None


@pytest.mark.parametrize("settings_overrides", [{"srs_optimize_every": 50}])
def test_no_refit_while_another_process_fits(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    from lang_portal.service.optimizer import optimizer_lock

    learner_history(services, clock)
    with optimizer_lock(services.optimizer.lock_path, wait=False) as held:
        assert held  # this test plays the other worker
        _answer(api)
        _wait_for_refit(services)
    assert api.get("/srs/parameters").data["last_attempt"] is None
    assert api.get("/srs/parameters").data["source"] == "defaults"


def test_no_refit_when_switched_off(
    api: MountClient, services: Services, clock: FixedClock
) -> None:
    learner_history(services, clock)
    _answer(api)
    assert services.optimizer.refit_process is None
    assert api.get("/srs/parameters").data["refit_every"] == 0
