"""Request and response shapes for words."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from lang_portal.i18n import TextError
from lang_portal.models.common import RowId
from lang_portal.models.validation import (
    clean_english,
    clean_japanese,
    clean_romaji,
    text_schema,
)

Japanese = Annotated[
    str, AfterValidator(clean_japanese), Field(json_schema_extra=text_schema("japanese"))
]
Romaji = Annotated[
    str, AfterValidator(clean_romaji), Field(json_schema_extra=text_schema("romaji"))
]
English = Annotated[
    str, AfterValidator(clean_english), Field(json_schema_extra=text_schema("english"))
]
MAX_PARTS = 50


def storable_parts(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parts as they are stored and read back: JSON whose integers fit in 64 bits.

    The document allows any JSON number; one past 64 bits is kept as the float it reads back as.
    """
    try:
        orjson.dumps(parts)
        return parts
    except TypeError:
        pass
    try:
        stored: list[dict[str, Any]] = orjson.loads(json.dumps(parts, allow_nan=False))
    except ValueError as exc:  # orjson.JSONDecodeError is one
        raise TextError("validation.parts_json") from exc
    return stored


PartsList = Annotated[
    list[dict[str, Any]], Field(max_length=MAX_PARTS), AfterValidator(storable_parts)
]

_WORD_EXAMPLE: dict[str, Any] = {
    "japanese": "食べる",
    "romaji": "taberu",
    "english": "to eat",
    "parts": [
        {"text": "食", "reading": "た", "romaji": "ta"},
        {"text": "べる", "reading": "べる", "romaji": "beru"},
    ],
}


class WordCreate(BaseModel):
    """A new word. `kanji` is accepted as another name for `japanese` (the seed files' key)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [_WORD_EXAMPLE]},
    )

    japanese: Japanese
    romaji: Romaji
    english: English
    parts: PartsList | None = None
    group_ids: list[RowId] = Field(default_factory=list, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _kanji_alias(cls, data: Any) -> Any:
        if isinstance(data, dict) and "kanji" in data and "japanese" not in data:
            data = {("japanese" if key == "kanji" else key): value for key, value in data.items()}
        return data


class WordUpdate(BaseModel):
    """Any subset of a word's fields; those left out keep their value."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"english": "to eat; to have a meal"}]}
    )

    # Left out keeps the value; null is refused (a word has all three), and the document
    # shows no null.
    japanese: Japanese | SkipJsonSchema[None] = None
    romaji: Romaji | SkipJsonSchema[None] = None
    english: English | SkipJsonSchema[None] = None
    parts: PartsList | None = None

    def changes(self) -> dict[str, Any]:
        changed = self.model_dump(exclude_unset=True)
        for key in ("japanese", "romaji", "english"):
            if key in changed and changed[key] is None:
                raise TextError("validation.not_null", field=key)
        return changed


# -- results (what the services return, each mount renders, and the OpenAPI document shows) ---
# Plain dataclasses, here and in the other result modules: orjson writes them from their
# `__dict__`; `slots` made that 5 times slower per item and `frozen` their construction 4 times
# (measured on a list of 500), which a page of 100 items pays on every uncached request.


@dataclass
class WordItem:
    id: Annotated[int, Field(examples=[1])]
    japanese: Annotated[str, Field(examples=["こんにちは"])]
    romaji: Annotated[str, Field(examples=["konnichiwa"])]
    english: Annotated[str, Field(examples=["hello"])]
    correct_count: Annotated[int, Field(examples=[5])]
    wrong_count: Annotated[int, Field(examples=[2])]
    tags: Annotated[list[str], Field(examples=[["greeting", "kana-only"]], description="sorted")]
    difficulty: Annotated[
        float,
        Field(
            examples=[0.42],
            ge=0,
            le=1,
            description="the word's difficulty, 0 easy to 1 hard: GET /words/{word_id}'s "
            "difficulty.score",
        ),
    ]


@dataclass
class WordWithParts(WordItem):
    """A word with its parts, as a study app loading a whole group gets it."""

    parts: Any


@dataclass
class WordStats:
    correct_count: int
    wrong_count: int


@dataclass
class GroupRef:
    id: Annotated[int, Field(examples=[1])]
    name: Annotated[str, Field(examples=["Basic Greetings"])]


@dataclass
class WordSrs:
    """The word's FSRS scheduling state; `state` is "new" and the rest null before a review."""

    state: Annotated[
        str, Field(examples=["review"], description="new, learning, review or relearning")
    ]
    due: Annotated[str | None, Field(examples=["2026-01-20T09:00:00+00:00"])]
    stability: Annotated[
        float | None, Field(examples=[8.29], description="days until recall falls to 90%")
    ]
    difficulty: Annotated[float | None, Field(examples=[5.3], description="1 (easy) to 10 (hard)")]
    retrievability: Annotated[
        float | None, Field(examples=[0.97], description="probability of recall now")
    ]
    reps: Annotated[int, Field(examples=[3])]
    lapses: Annotated[int, Field(examples=[0])]
    last_review: Annotated[str | None, Field(examples=["2026-01-12T09:00:00+00:00"])]


@dataclass
class DifficultyFactors:
    """Each factor 0 (easy) to 1 (hard); null when unknown (no history yet, or no data)."""

    character_count: Annotated[float, Field(description="characters: 1 is 0, 8 or more is 1")]
    unique_kanji: Annotated[float, Field(description="distinct kanji: 3 or more is 1")]
    kana_type: Annotated[float, Field(description="share of the kana that is katakana")]
    usage_frequency: Annotated[
        float | None, Field(description="always null: no word frequency in the seed data")
    ]
    historical_errors: Annotated[float | None, Field(description="share of wrong answers")]
    average_time_spent: Annotated[
        float | None, Field(description="average answer time: 10 s or more is 1")
    ]
    fsrs_difficulty: Annotated[float | None, Field(description="FSRS difficulty 1-10 as 0-1")]


@dataclass
class DifficultyWeights:
    """The weights applied (they sum to 1): score = sum of weight x factor."""

    character_weight: float
    kanji_weight: float
    kana_weight: float
    frequency_weight: float
    error_weight: float
    time_weight: float
    fsrs_weight: float


@dataclass
class WordDifficulty:
    score: Annotated[float, Field(examples=[0.42], ge=0, le=1, description="0 easy to 1 hard")]
    prior: Annotated[float, Field(description="from the word's own features alone")]
    history: Annotated[float | None, Field(description="from its answers alone; null before")]
    history_share: Annotated[
        float, Field(description="the history's weight in the blend: answers / (answers + 5)")
    ]
    answers: int
    factors: DifficultyFactors
    weights: DifficultyWeights


@dataclass
class CommonMistake:
    response: Annotated[str, Field(examples=["tabemasu"], description="ASCII lower-cased")]
    count: Annotated[int, Field(examples=[3])]


@dataclass(kw_only=True)
class WordDetail:
    id: int
    japanese: str
    romaji: str
    english: str
    parts: Any = None
    stats: WordStats
    groups: list[GroupRef]
    tags: Annotated[
        list[str],
        Field(description="its tags, by hand and by rule, sorted (sources: GET .../tags)"),
    ]
    srs: WordSrs | None = None
    difficulty: WordDifficulty | None = None
    common_mistakes: Annotated[
        list[CommonMistake],
        Field(description="the most frequent wrong responses, most frequent first (at most 5)"),
    ] = field(default_factory=list)
    created_at: str | None
    updated_at: str | None


class WordReview(BaseModel):
    """One answer to a word, with where it was given."""

    id: int = Field(examples=[301])
    study_session_id: int = Field(examples=[12])
    group_id: int = Field(examples=[1])
    group_name: str = Field(examples=["JLPT N5 - Verbs"])
    study_activity_id: int = Field(examples=[2])
    study_activity_name: str = Field(examples=["Flashcards"])
    correct: bool = Field(examples=[True])
    duration_ms: int | None = Field(examples=[2300], description="time taken to answer")
    response: str | None = Field(
        default=None, examples=["taberu"], description="what the learner answered, if said"
    )
    created_at: str = Field(examples=["2026-01-12T09:00:00+00:00"])
