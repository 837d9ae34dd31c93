"""What an import reports: the rows it read and what it added."""

from __future__ import annotations

from dataclasses import dataclass


# Counted up while the import runs.
@dataclass
class WordImportReport:
    rows: int
    words_added: int
    groups_added: int
    memberships_added: int


@dataclass
class HistoryImportReport:
    sessions: int
    reviews: int
    words_added: int
    groups_added: int
    study_activities_added: int
    memberships_added: int
    reviews_replayed: int
