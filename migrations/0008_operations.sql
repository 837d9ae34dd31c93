-- Operations: the last run of each scheduled maintenance task, and the archive of old sessions.

-- One row per task, overwritten by each run; read by /health and /metrics in every worker.
CREATE TABLE maintenance_runs (
    task          TEXT    PRIMARY KEY,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'timeout')),
    duration_ms   REAL,
    attempts      INTEGER NOT NULL DEFAULT 1,
    detail        TEXT,
    runs_ok       INTEGER NOT NULL DEFAULT 0,
    runs_failed   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Every archive file written by the retention task, and whether it has been restored.
CREATE TABLE archives (
    name          TEXT    PRIMARY KEY,
    created_at    TEXT    NOT NULL,
    cutoff        TEXT    NOT NULL,
    sessions      INTEGER NOT NULL,
    reviews       INTEGER NOT NULL,
    sha256        TEXT    NOT NULL,
    restored_at   TEXT
) WITHOUT ROWID;

-- The sessions the retention task moved into an archive file, and what a rebuild needs of each
-- of their answers (word, activity, time, result, grade, duration), so that every figure derived from the history (word counters, cards, days,
-- curves, activities, evaluation, the dashboard's session and group counts) comes out the same
-- once they have left study_sessions and word_review_items. They cascade as the live rows do:
-- deleting a word, a group or an activity takes its archived rows with it.
-- Ids are their own: a live table may give an archived row's id to a new row.
CREATE TABLE archived_sessions (
    id                 INTEGER PRIMARY KEY,
    original_id        INTEGER NOT NULL,     -- the session's id when it was live
    registration       TEXT,
    group_id           INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    study_activity_id  INTEGER NOT NULL REFERENCES study_activities (id) ON DELETE CASCADE,
    created_at         TEXT    NOT NULL,
    archive            TEXT    NOT NULL REFERENCES archives (name)
);
CREATE INDEX idx_archived_sessions_group ON archived_sessions (group_id);
CREATE INDEX idx_archived_sessions_archive ON archived_sessions (archive);

CREATE TABLE archived_answers (
    id                 INTEGER PRIMARY KEY,
    original_id        INTEGER NOT NULL,     -- the review row's id when it was live
    session_id         INTEGER NOT NULL REFERENCES archived_sessions (id) ON DELETE CASCADE,
    word_id            INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
    study_activity_id  INTEGER NOT NULL,  -- the session's, kept here for the replay's order
    correct            INTEGER NOT NULL CHECK (correct IN (0, 1)),
    duration_ms        INTEGER,
    grade              INTEGER CHECK (grade IS NULL OR grade BETWEEN 1 AND 4),
    created_at         TEXT    NOT NULL
);
CREATE INDEX idx_archived_answers_word ON archived_answers (word_id, created_at);
CREATE INDEX idx_archived_answers_session ON archived_answers (session_id);
CREATE INDEX idx_archived_answers_created_at ON archived_answers (created_at);
