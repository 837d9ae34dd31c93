"""Request and response shapes for groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from lang_portal.models.common import RowId
from lang_portal.models.validation import clean_group_name, text_schema
from lang_portal.models.words import WordWithParts

GroupName = Annotated[
    str, AfterValidator(clean_group_name), Field(json_schema_extra=text_schema("group_name"))
]


class GroupCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Basic Greetings", "word_ids": [1, 2]}]},
    )

    name: GroupName
    word_ids: list[RowId] = Field(default_factory=list, max_length=1000)


class GroupUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"name": "Greetings"}]}
    )

    name: GroupName


class GroupWordsAdd(BaseModel):
    """Either one `word_id` or a list of `word_ids`."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"word_ids": [3, 4]}]}
    )

    word_id: RowId | None = None
    word_ids: list[RowId] = Field(default_factory=list, max_length=1000)

    def all_ids(self) -> list[int]:
        return ([self.word_id] if self.word_id is not None else []) + self.word_ids


# -- results -------------------------------------------------------------------------------


@dataclass
class GroupItem:
    id: Annotated[int, Field(examples=[1])]
    name: Annotated[str, Field(examples=["Basic Greetings"])]
    word_count: Annotated[int, Field(examples=[20])]


@dataclass
class GroupStats:
    total_word_count: Annotated[int, Field(examples=[20])]


@dataclass
class GroupDetail:
    id: int
    name: str
    stats: GroupStats
    created_at: str | None
    updated_at: str | None


@dataclass
class GroupWordsAdded:
    group_id: int
    added_word_ids: list[int]
    word_count: int


@dataclass
class GroupWithWords:
    """A group and every one of its words, parts included (unpaged: a group is bounded)."""

    group: GroupItem
    words: list[WordWithParts]
