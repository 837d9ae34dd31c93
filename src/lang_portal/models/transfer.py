"""What an import reports: the rows it read and what it added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field


# Counted up while the import runs.
@dataclass
class WordImportReport:
    rows: int
    words_added: int
    groups_added: int
    memberships_added: int
    tags_added: Annotated[int, Field(description="tags given to words by hand")] = 0


@dataclass
class HistoryImportReport:
    sessions: Annotated[int, Field(description="sessions added")]
    reviews: Annotated[int, Field(description="answers added")]
    sessions_already_stored: Annotated[
        int,
        Field(
            description="sessions of the file already in the database (same group, activity, start)"
        ),
    ]
    reviews_already_stored: Annotated[
        int,
        Field(description="answers already stored (same session, word and time): not stored again"),
    ]
    words_added: int
    groups_added: int
    study_activities_added: int
    memberships_added: int
    reviews_replayed: int
    tags_added: Annotated[int, Field(description="tags given to words by hand")] = 0
