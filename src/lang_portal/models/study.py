"""Request and response shapes for activities, sessions and reviews."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from lang_portal.models.common import RowId
from lang_portal.models.validation import clean_response, text_schema

LearnerResponse = Annotated[
    str,
    AfterValidator(clean_response),
    Field(
        json_schema_extra=text_schema("response"),
        description="what the learner answered: the text typed or the option chosen "
        "(trimmed, normalised)",
    ),
]

SessionStateName = Literal["created", "active", "paused", "completed", "expired"]


@dataclass
class StudyActivity:
    id: Annotated[int, Field(examples=[1])]
    name: Annotated[str, Field(examples=["Typing Tutor"])]
    thumbnail_url: Annotated[str | None, Field(examples=["/apps/thumbnails/typing.svg"])]
    description: Annotated[str, Field(examples=["Practise typing the romaji of each word"])]
    launch_url: Annotated[str, Field(examples=["/apps/typing/"])]


class SessionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"group_id": 1, "study_activity_id": 1}]}
    )

    group_id: RowId
    study_activity_id: RowId


class LaunchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"group_id": 1}]})

    group_id: RowId
    # true: launch the xAPI way (docs/xapi.md): the URL also carries an LRS endpoint and a key
    xapi: StrictBool = False


class SessionCreated(BaseModel):
    id: int = Field(examples=[124])
    group_id: int = Field(examples=[123])


@dataclass
class StudySession:
    id: Annotated[int, Field(examples=[123])]
    group_id: Annotated[int, Field(examples=[456])]
    group_name: Annotated[str, Field(examples=["Basic Greetings"])]
    study_activity_id: Annotated[int, Field(examples=[1])]
    activity_name: Annotated[str, Field(examples=["Vocabulary Quiz"])]
    start_time: Annotated[str, Field(examples=["2025-02-08T17:20:23-05:00"])]
    end_time: Annotated[str | None, Field(examples=["2025-02-08T17:30:23-05:00"])]
    review_items_count: Annotated[int, Field(examples=[20])]
    state: Annotated[
        SessionStateName,
        Field(
            examples=["active"],
            description="created (no answer yet), active, paused, completed, or expired (idle "
            "past SESSION_TIMEOUT_MINUTES)",
        ),
    ]
    last_activity_at: Annotated[
        str,
        Field(
            examples=["2025-02-08T17:30:23-05:00"],
            description="the last answer, resume or creation: the idle clock runs from it",
        ),
    ]
    warn_at: Annotated[
        str | None,
        Field(
            examples=["2025-02-08T17:55:23-05:00"],
            description="when an app should warn that the session is about to expire "
            "(SESSION_WARNING_MINUTES idle); null while paused or completed",
        ),
    ]
    expires_at: Annotated[
        str | None,
        Field(
            examples=["2025-02-08T18:00:23-05:00"],
            description="when the session expires without activity "
            "(SESSION_TIMEOUT_MINUTES idle); null while paused or completed",
        ),
    ]
    resumable_until: Annotated[
        str | None,
        Field(
            examples=[None],
            description="an expired session in its grace period: until when it can still be "
            "resumed or completed; null otherwise",
        ),
    ]
    paused_at: Annotated[str | None, Field(examples=[None], description="while paused")]
    completed_at: Annotated[str | None, Field(examples=[None])]


@dataclass
class XapiLaunch:
    """What an app launched the xAPI way reports with (also in its launch URL's query)."""

    endpoint: Annotated[str, Field(examples=["http://127.0.0.1:8080/xapi/"])]
    auth: Annotated[
        str, Field(description="an HTTP Authorization value: Basic base64(USERNAME:SECRET)")
    ]
    actor: dict[str, Any]
    registration: Annotated[str, Field(description="the study session's registration UUID")]
    activity_id: Annotated[
        str, Field(examples=["https://lang-portal.example/xapi/study-activities/1"])
    ]
    expires_at: Annotated[str | None, Field(description="when the launch key stops working")]


@dataclass
class Launch:
    study_session_id: int
    group_id: int
    study_activity_id: int
    launch_url: Annotated[str, Field(examples=["/apps/typing/?group_id=1&session_id=7"])]
    session: StudySession
    xapi: Annotated[
        XapiLaunch | None, Field(description="only when the launch asked for xapi: true")
    ] = None


Grade = Literal["again", "hard", "good", "easy"]


class ReviewCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"correct": True, "duration_ms": 2400},
                {"grade": "hard", "duration_ms": 5100},
                {"correct": False, "duration_ms": 3900, "response": "tabemasu"},
            ]
        },
    )

    correct: StrictBool | None = Field(
        default=None, description="right or wrong; may be left out when grade is given"
    )
    grade: Grade | None = Field(
        default=None,
        description="again, hard, good or easy (FSRS's ratings); again is a wrong answer, the "
        "others right ones. Without it a right answer counts as good, a wrong one as again.",
    )
    duration_ms: int | None = Field(default=None, ge=0, le=86_400_000)
    response: LearnerResponse | None = None


class ReviewStored(BaseModel):
    success: bool = Field(examples=[True])
    id: int = Field(examples=[991])
    word_id: int = Field(examples=[1])
    study_session_id: int = Field(examples=[123])
    correct: bool = Field(examples=[True])
    grade: Grade | None = Field(default=None, examples=["good"], description="as sent")
    response: str | None = Field(
        default=None, examples=["tabemasu"], description="as stored (trimmed, normalised)"
    )
    created_at: str = Field(examples=["2025-02-08T17:33:07-05:00"])


def grade_name(grade: int) -> Grade:
    names: tuple[Grade, ...] = ("again", "hard", "good", "easy")
    return names[grade - 1]
