"""Request and response shapes for tags (docs/tags.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from lang_portal.models.validation import tag_name_schema

# Checked by the service against the settings in force (models.validation.clean_tag_name); the
# document states the rule, its length from MAX_TAG_LENGTH.
TagNameText = Annotated[str, Field(json_schema_extra=tag_name_schema())]


class WordTagsAdd(BaseModel):
    """Tags to give the word by hand; those it has already are left as they are."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"tags": ["food", "jlpt n5"]}]}
    )

    tags: list[TagNameText] = Field(
        min_length=1,
        # the setting's value, when the app writes its document (api.documentation)
        json_schema_extra={"x-setting-bounds": {"maxItems": "max_tags_per_word"}},
    )


# -- results -------------------------------------------------------------------------------


@dataclass
class WordTag:
    name: Annotated[str, Field(examples=["food"])]
    source: Annotated[
        Literal["manual", "auto"],
        Field(
            examples=["manual"],
            description="manual: given by hand; auto: given by an auto-tag rule from the text",
        ),
    ]


@dataclass
class WordTags:
    word_id: Annotated[int, Field(examples=[1])]
    tags: list[WordTag]


@dataclass
class TagStats:
    """A tag with the figures of the words that carry it."""

    tag_name: Annotated[str, Field(examples=["food"])]
    word_count: Annotated[int, Field(examples=[12], description="words carrying the tag")]
    usage_count: Annotated[
        int, Field(examples=[40], description="answers to those words (right and wrong)")
    ]
    last_used: Annotated[
        str | None,
        Field(
            examples=["2026-01-12T09:00:00+00:00"],
            description="the latest answer to one of its words; null if none was answered",
        ),
    ]
    difficulty: Annotated[
        float | None,
        Field(
            examples=[0.42],
            description="mean over its answered words of the FSRS difficulty put on 0 (easy) "
            "to 1 (hard); null if none was answered",
        ),
    ]
    auto: Annotated[bool, Field(description="an auto-tag rule gives this tag")]
    reserved: Annotated[bool, Field(description="a name the system keeps (RESERVED_TAGS)")]
