"""`GET /study_sessions/:id/result`'s analytics on a scripted session, values worked out by hand."""

from __future__ import annotations

from lang_portal.clock import FixedClock
from tests.helpers import MountClient, record_answer, start_session


def test_the_result_of_a_scripted_session(api: MountClient, clock: FixedClock) -> None:
    # An earlier session: words 1-3 studied before; the learner's usual pace is its median,
    # 4 s per answer.
    earlier = start_session(api)
    record_answer(api, earlier, 1, True, duration_ms=2000)
    record_answer(api, earlier, 2, False, duration_ms=4000)
    record_answer(api, earlier, 3, True, duration_ms=6000)
    assert api.post(f"/study_sessions/{earlier}/complete").status == 200

    clock.advance(minutes=10)  # 09:10
    session_id = start_session(api)
    clock.advance(minutes=1)
    record_answer(api, session_id, 1, True, duration_ms=7000)  # studied before, recalled
    clock.advance(minutes=1)
    record_answer(api, session_id, 2, False, duration_ms=8000)  # studied before, forgotten
    clock.advance(minutes=1)
    assert api.post(f"/study_sessions/{session_id}/pause").status == 200  # 09:13
    clock.advance(minutes=10)
    assert api.post(f"/study_sessions/{session_id}/resume").status == 200  # 09:23
    clock.advance(minutes=1)
    record_answer(api, session_id, 2, True, duration_ms=5000)
    clock.advance(minutes=1)
    record_answer(api, session_id, 4, False)  # a new word, no time sent
    clock.advance(minutes=1)
    record_answer(api, session_id, 4, True, duration_ms=1000)  # 09:26, the last answer
    clock.advance(minutes=1)
    assert api.post(f"/study_sessions/{session_id}/complete").status == 200

    result = api.get(f"/study_sessions/{session_id}/result").data
    # the fields it had before stay
    assert (result["reviews"], result["correct"], result["wrong"], result["accuracy"]) == (
        5,
        3,
        2,
        0.6,
    )
    assert [word["word_id"] for word in result["words"]] == [1, 2, 4]
    assert result["state"] == "completed"
    # 09:10 to 09:26, less the 10-minute pause
    assert result["duration_minutes"] == 6.0
    assert result["word_metrics"] == {
        "total_words": 3,
        "completed_words": 3,  # each ended on a right answer
        "correct_words": 1,  # right at the first answer: word 1
        "avg_time_per_word": 7.0,  # (7 + 8 + 5 + 1) s over the 3 words timed
        # wrong once each; word 2 took the longer
        "difficult_words": [
            {
                "word_id": 2,
                "japanese": result["words"][1]["japanese"],
                "english": result["words"][1]["english"],
                "attempts": 2,
                "wrong_count": 1,
                "time_spent": 13.0,
            },
            {
                "word_id": 4,
                "japanese": result["words"][2]["japanese"],
                "english": result["words"][2]["english"],
                "attempts": 2,
                "wrong_count": 1,
                "time_spent": 1.0,
            },
        ],
    }
    assert result["learning_efficiency"] == {
        "accuracy_score": 0.6,
        "retention_score": 0.5,  # words 1 and 2 were studied before; 1 was recalled
        "speed_score": 0.6667,  # usual 4 s over this session's median 6 s
        "overall_score": 0.5833,  # 0.5 * 0.6 + 0.3 * 0.5 + 0.2 * 0.6667
    }

    first = api.get(f"/study_sessions/{earlier}/result").data
    assert first["word_metrics"]["difficult_words"][0]["word_id"] == 2
    assert first["learning_efficiency"] == {
        "accuracy_score": 0.6667,
        "retention_score": None,  # every word was new
        "speed_score": None,  # no earlier answers to compare with
        "overall_score": 0.6667,
    }


def test_the_result_of_a_session_without_answers(api: MountClient) -> None:
    session_id = start_session(api)
    result = api.get(f"/study_sessions/{session_id}/result").data
    assert result["state"] == "created"
    assert result["duration_minutes"] == 0.0
    assert result["word_metrics"] == {
        "total_words": 0,
        "completed_words": 0,
        "correct_words": 0,
        "avg_time_per_word": None,
        "difficult_words": [],
    }
    assert set(result["learning_efficiency"].values()) == {None}


def test_the_idle_time_before_a_resume_after_expiry_is_no_study_time(
    api: MountClient, clock: FixedClock
) -> None:
    session_id = start_session(api)
    clock.advance(minutes=2)
    record_answer(api, session_id, 1, True)  # 09:02
    clock.advance(minutes=33)  # expired at 09:32, within the grace period
    assert api.post(f"/study_sessions/{session_id}/resume").status == 200  # 09:35
    clock.advance(minutes=1)
    record_answer(api, session_id, 2, True)  # 09:36
    # 36 minutes from the start, less the 33 idle before the resume
    assert api.get(f"/study_sessions/{session_id}/result").data["duration_minutes"] == 3.0
