"""The xAPI statements, their filter index, attachments and activities (migrations/0004)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StoredStatement:
    seq: int
    id: str
    stored: str
    statement: str  # JSON
    voided: bool
    review_id: int | None


_STATEMENT_COLUMNS = "seq, id, stored, statement, voided, review_id"


def _stored(row: sqlite3.Row) -> StoredStatement:
    return StoredStatement(
        seq=row[0],
        id=row[1],
        stored=row[2],
        statement=row[3],
        voided=bool(row[4]),
        review_id=row[5],
    )


# --- terms ------------------------------------------------------------------------------


def existing_term_ids(
    connection: sqlite3.Connection, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """The ids of the (kind, value) pairs that have one, in one query per 200 pairs (each
    pair one probe of the (kind, value) index: SQLite's MULTI-INDEX OR)."""
    wanted = list(pairs)
    found: dict[tuple[int, str], int] = {}
    for start in range(0, len(wanted), 200):
        chunk = wanted[start : start + 200]
        where = " OR ".join("(kind = ? AND value = ?)" for _ in chunk)
        parameters = [part for pair in chunk for part in pair]
        for kind, value, term_id in connection.execute(
            f"SELECT kind, value, id FROM xapi_terms WHERE {where}", parameters
        ):
            found[(kind, value)] = term_id
    return found


def term_ids(
    connection: sqlite3.Connection, pairs: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """The id of each (kind, value), made where missing. Inside a write transaction."""
    wanted = set(pairs)
    found = existing_term_ids(connection, wanted)
    for kind, value in wanted - set(found):
        cursor = connection.execute(
            "INSERT INTO xapi_terms (kind, value) VALUES (?, ?)", (kind, value)
        )
        assert cursor.lastrowid is not None
        found[(kind, value)] = cursor.lastrowid
    return found


# --- statements -------------------------------------------------------------------------


def statements_by_ids(
    connection: sqlite3.Connection, ids: Sequence[str]
) -> dict[str, StoredStatement]:
    found: dict[str, StoredStatement] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in connection.execute(
            f"SELECT {_STATEMENT_COLUMNS} FROM xapi_statements WHERE id IN ({marks})", chunk
        ):
            stored = _stored(row)
            found[stored.id] = stored
    return found


def statement_by_id(connection: sqlite3.Connection, statement_id: str) -> StoredStatement | None:
    row = connection.execute(
        f"SELECT {_STATEMENT_COLUMNS} FROM xapi_statements WHERE id = ?", (statement_id,)
    ).fetchone()
    return None if row is None else _stored(row)


def insert_statement(
    connection: sqlite3.Connection,
    *,
    statement_id: str,
    stored: str,
    statement_json: str,
    verb_id: str,
    voided: bool,
    voids: str | None,
    object_ref: str | None,
    has_attachments: bool,
    review_id: int | None,
) -> int:
    cursor = connection.execute(
        "INSERT INTO xapi_statements (id, stored, statement, verb_id, voided, voids, object_ref, "
        "has_attachments, review_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            statement_id,
            stored,
            statement_json,
            verb_id,
            int(voided),
            voids,
            object_ref,
            int(has_attachments),
            review_id,
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def last_stored(connection: sqlite3.Connection) -> str | None:
    row = connection.execute(
        "SELECT stored FROM xapi_statements ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def is_voided_by_existing(connection: sqlite3.Connection, statement_id: str) -> bool:
    """Whether a voiding statement for `statement_id` is already stored (it came first)."""
    row = connection.execute(
        "SELECT 1 FROM xapi_statements WHERE voids = ? LIMIT 1", (statement_id,)
    ).fetchone()
    return row is not None


def mark_voided(connection: sqlite3.Connection, statement_id: str) -> None:
    connection.execute("UPDATE xapi_statements SET voided = 1 WHERE id = ?", (statement_id,))


def is_voiding_statement(connection: sqlite3.Connection, statement_id: str) -> bool | None:
    """True/False for a stored statement, None when it is not stored."""
    row = connection.execute(
        "SELECT voids IS NOT NULL FROM xapi_statements WHERE id = ?", (statement_id,)
    ).fetchone()
    return None if row is None else bool(row[0])


def review_of(connection: sqlite3.Connection, statement_id: str) -> int | None:
    row = connection.execute(
        "SELECT review_id FROM xapi_statements WHERE id = ?", (statement_id,)
    ).fetchone()
    return None if row is None else row[0]


def statement_for_review(connection: sqlite3.Connection, review_id: int) -> StoredStatement | None:
    row = connection.execute(
        f"SELECT {_STATEMENT_COLUMNS} FROM xapi_statements WHERE review_id = ? LIMIT 1",
        (review_id,),
    ).fetchone()
    return None if row is None else _stored(row)


# --- the filter index -------------------------------------------------------------------


def insert_index_rows(connection: sqlite3.Connection, rows: Iterable[tuple[int, int, int]]) -> None:
    """(term, broad, seq) rows; a row already there is kept. One statement per 300 rows: a
    statement's rows (about ten) go in with one step instead of one each."""
    batch = list(rows)
    for start in range(0, len(batch), 300):
        chunk = batch[start : start + 300]
        connection.execute(
            "INSERT OR IGNORE INTO xapi_statement_index (term, broad, seq) VALUES "
            + ", ".join("(?, ?, ?)" for _ in chunk),
            [value for row in chunk for value in row],
        )


def referrers(connection: sqlite3.Connection, statement_id: str) -> list[int]:
    """The seq of every stored statement whose object is a StatementRef to `statement_id`."""
    return [
        row[0]
        for row in connection.execute(
            "SELECT seq FROM xapi_statements WHERE object_ref = ?", (statement_id,)
        )
    ]


def statement_id_at(connection: sqlite3.Connection, seq: int) -> str:
    row = connection.execute("SELECT id FROM xapi_statements WHERE seq = ?", (seq,)).fetchone()
    return str(row[0])


def seq_after_stored(connection: sqlite3.Connection, moment: str) -> int:
    """The last seq stored at or before `moment` (0 when none): statements after it are
    stored after `moment`, as `stored` grows with `seq`."""
    # one step down the stored index (seq is its tail), however many statements came before
    row = connection.execute(
        "SELECT seq FROM xapi_statements WHERE stored <= ? ORDER BY stored DESC, seq DESC LIMIT 1",
        (moment,),
    ).fetchone()
    return 0 if row is None else int(row[0])


def max_seq(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT max(seq) FROM xapi_statements").fetchone()
    return int(row[0] or 0)


def list_statements(
    connection: sqlite3.Connection,
    *,
    constraints: Sequence[tuple[int, int]],
    after_seq: int,
    through_seq: int,
    ascending: bool,
    limit: int,
) -> list[tuple[int, str, bytes]]:
    """(seq, stored, statement JSON as UTF-8 bytes, served as they are) of the statements not
    voided with after_seq < seq <= through_seq, each matching every
    (term, broad) constraint, in seq order, at most `limit`.

    The first constraint drives the query through its index range (term, broad, seq), read in
    the wanted order, so a page costs `limit` index steps however many statements match; the
    others are point lookups in the same index.
    """
    order = "ASC" if ascending else "DESC"
    if not constraints:
        sql = (
            "SELECT seq, stored, CAST(statement AS BLOB) FROM xapi_statements "
            "WHERE seq > ? AND seq <= ? AND voided = 0 "
            f"ORDER BY seq {order} LIMIT ?"
        )
        return [
            (row[0], row[1], row[2])
            for row in connection.execute(sql, (after_seq, through_seq, limit))
        ]
    (drive_term, drive_broad), *others = constraints
    checks = "".join(
        " AND EXISTS (SELECT 1 FROM xapi_statement_index o WHERE o.term = ? AND o.broad = ? "
        "AND o.seq = d.seq)"
        for _ in others
    )
    sql = (
        "SELECT s.seq, s.stored, CAST(s.statement AS BLOB) FROM xapi_statement_index d "
        "JOIN xapi_statements s ON s.seq = d.seq "
        "WHERE d.term = ? AND d.broad = ? AND d.seq > ? AND d.seq <= ? AND s.voided = 0"
        f"{checks} ORDER BY d.seq {order} LIMIT ?"
    )
    parameters: list[int] = [drive_term, drive_broad, after_seq, through_seq]
    for term, broad in others:
        parameters.extend((term, broad))
    parameters.append(limit)
    return [(row[0], row[1], row[2]) for row in connection.execute(sql, parameters)]


def count_statements(connection: sqlite3.Connection) -> int:
    return int(connection.execute("SELECT count(*) FROM xapi_statements").fetchone()[0])


# --- attachments ------------------------------------------------------------------------


def insert_attachment(
    connection: sqlite3.Connection, sha2: str, content_type: str, content: bytes
) -> None:
    connection.execute(
        "INSERT OR IGNORE INTO xapi_attachments (sha2, content_type, length, content) "
        "VALUES (?, ?, ?, ?)",
        (sha2, content_type, len(content), content),
    )


def attachments_by_hash(
    connection: sqlite3.Connection, hashes: Sequence[str]
) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in connection.execute(
            f"SELECT sha2, content_type, content FROM xapi_attachments WHERE sha2 IN ({marks})",
            chunk,
        ):
            found[row[0]] = (row[1], bytes(row[2]))
    return found


# --- activities -------------------------------------------------------------------------


def activity_definitions(
    connection: sqlite3.Connection, activity_ids: Sequence[str]
) -> dict[str, str]:
    """Activity id -> canonical definition JSON, for the ids that have one."""
    found: dict[str, str] = {}
    for start in range(0, len(activity_ids), 500):
        chunk = activity_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in connection.execute(
            f"SELECT id, definition FROM xapi_activities WHERE id IN ({marks})", chunk
        ):
            found[row[0]] = row[1]
    return found


def save_activity(
    connection: sqlite3.Connection, activity_id: str, definition_json: str, updated: str
) -> None:
    connection.execute(
        "INSERT INTO xapi_activities (id, definition, updated) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, "
        "updated = excluded.updated",
        (activity_id, definition_json, updated),
    )


def activity_known(connection: sqlite3.Connection, activity_id: str) -> bool:
    """Whether any stored statement names the activity (or its definition is kept)."""
    row = connection.execute(
        "SELECT 1 FROM xapi_activities WHERE id = ? UNION ALL "
        "SELECT 1 FROM xapi_terms WHERE kind = 2 AND value = ? LIMIT 1",
        (activity_id, activity_id),
    ).fetchone()
    return row is not None
