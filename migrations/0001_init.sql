-- 0001: the spec's tables, plus the counters that keep list endpoints off the review history.
-- Times are UTC text in one fixed-width form (2026-01-31T09:30:00.000000Z), so text order is time order.

CREATE TABLE words (
    id             INTEGER PRIMARY KEY,
    japanese       TEXT    NOT NULL,
    romaji         TEXT    NOT NULL,
    english        TEXT    NOT NULL,
    parts          TEXT    CHECK (parts IS NULL OR json_valid(parts)),
    -- kept in step with word_review_items by the review write, in the same transaction
    correct_count  INTEGER NOT NULL DEFAULT 0 CHECK (correct_count >= 0),
    wrong_count    INTEGER NOT NULL DEFAULT 0 CHECK (wrong_count >= 0),
    last_reviewed_at TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (japanese, english)
);
CREATE INDEX idx_words_romaji ON words (romaji);
CREATE INDEX idx_words_english ON words (english);
CREATE INDEX idx_words_correct_count ON words (correct_count);
CREATE INDEX idx_words_wrong_count ON words (wrong_count);
CREATE INDEX idx_words_last_reviewed_at ON words (last_reviewed_at) WHERE last_reviewed_at IS NOT NULL;

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    -- maintained by the triggers on words_groups below
    word_count  INTEGER NOT NULL DEFAULT 0 CHECK (word_count >= 0),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX idx_groups_word_count ON groups (word_count);

CREATE TABLE words_groups (
    id          INTEGER PRIMARY KEY,
    word_id     INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    UNIQUE (group_id, word_id)
);
CREATE INDEX idx_words_groups_word_id ON words_groups (word_id);

CREATE TRIGGER trg_words_groups_insert AFTER INSERT ON words_groups
BEGIN
    UPDATE groups SET word_count = word_count + 1 WHERE id = NEW.group_id;
END;

CREATE TRIGGER trg_words_groups_delete AFTER DELETE ON words_groups
BEGIN
    UPDATE groups SET word_count = word_count - 1 WHERE id = OLD.group_id;
END;

CREATE TABLE study_activities (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    launch_url     TEXT    NOT NULL,
    thumbnail_url  TEXT,
    description    TEXT    NOT NULL DEFAULT '',
    created_at     TEXT    NOT NULL
);

CREATE TABLE study_sessions (
    id                 INTEGER PRIMARY KEY,
    group_id           INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    study_activity_id  INTEGER NOT NULL REFERENCES study_activities (id) ON DELETE CASCADE,
    created_at         TEXT    NOT NULL,
    -- the time of the last review; NULL until the first one
    ended_at           TEXT,
    review_items_count INTEGER NOT NULL DEFAULT 0,
    correct_count      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_study_sessions_created_at ON study_sessions (created_at, id);
CREATE INDEX idx_study_sessions_group ON study_sessions (group_id, created_at, id);
CREATE INDEX idx_study_sessions_activity ON study_sessions (study_activity_id, created_at, id);

CREATE TABLE word_review_items (
    id                INTEGER PRIMARY KEY,
    word_id           INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
    study_session_id  INTEGER NOT NULL REFERENCES study_sessions (id) ON DELETE CASCADE,
    correct           INTEGER NOT NULL CHECK (correct IN (0, 1)),
    duration_ms       INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0),
    created_at        TEXT    NOT NULL
);
CREATE INDEX idx_review_items_session ON word_review_items (study_session_id, word_id);
CREATE INDEX idx_review_items_word ON word_review_items (word_id, created_at);
CREATE INDEX idx_review_items_created_at ON word_review_items (created_at);

-- Per-session, per-word counts: the session's word list and its distinct-word limit read this,
-- not the review rows.
CREATE TABLE study_session_words (
    study_session_id  INTEGER NOT NULL REFERENCES study_sessions (id) ON DELETE CASCADE,
    word_id           INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
    correct_count     INTEGER NOT NULL DEFAULT 0,
    wrong_count       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (study_session_id, word_id)
) WITHOUT ROWID;
CREATE INDEX idx_study_session_words_word ON study_session_words (word_id);

-- One row per local calendar day with reviews; the day is counted in the zone named in
-- app_meta.stats_timezone, and the table is rebuilt when that setting changes.
CREATE TABLE daily_stats (
    day            TEXT    PRIMARY KEY,
    reviews        INTEGER NOT NULL DEFAULT 0,
    correct        INTEGER NOT NULL DEFAULT 0,
    duration_ms    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE app_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;
