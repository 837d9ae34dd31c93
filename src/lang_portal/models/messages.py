"""The study apps' messages in one language (GET /messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

LanguageCode = Literal["en", "ja", "zh"]


@dataclass
class SupportedLanguage:
    code: Annotated[LanguageCode, Field(examples=["ja"])]
    name: Annotated[str, Field(examples=["日本語"], description="in the language itself")]
    rtl: Annotated[bool, Field(examples=[False], description="written right to left")]


@dataclass
class MessageSet:
    language: Annotated[
        LanguageCode,
        Field(examples=["ja"], description="chosen from Accept-Language; English by default"),
    ]
    languages: Annotated[list[SupportedLanguage], Field(description="every language served")]
    messages: Annotated[
        dict[str, str],
        Field(
            examples=[
                {
                    "study.session.start": "学習セッションを開始しました",
                    "study.session.complete": "{count}個の単語を学習しました！",
                }
            ],
            description=(
                "each message by its key; `{name}` marks a parameter the app fills in "
                "(`{count}`: a number of words)"
            ),
        ),
    ]
