-- 0010: levels of a learning path (declared with the seeds in seeds/manifest.json) and each
-- word's place on the path, which orders the new words of the review queue.
-- A database seeded before levels existed gets them the next time it is seeded or served
-- (service/seeding.py); this migration only makes room for them.

CREATE TABLE levels (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    -- the path's order, from 1
    position          INTEGER NOT NULL UNIQUE CHECK (position >= 1),
    -- the progression rule: the level is completed when at least min_word_count of its words
    -- are learned and the answers to its words are right at least min_success_rate of the time
    min_success_rate  REAL    NOT NULL CHECK (min_success_rate >= 0 AND min_success_rate <= 1),
    min_word_count    INTEGER NOT NULL CHECK (min_word_count >= 0),
    created_at        TEXT    NOT NULL
);

CREATE TABLE level_prerequisites (
    level_id          INTEGER NOT NULL REFERENCES levels (id) ON DELETE CASCADE,
    prerequisite_id   INTEGER NOT NULL REFERENCES levels (id) ON DELETE CASCADE,
    PRIMARY KEY (level_id, prerequisite_id),
    CHECK (level_id <> prerequisite_id)
) WITHOUT ROWID;

-- A group belongs to one level at most; `position` is the group's order within its level.
CREATE TABLE level_groups (
    group_id   INTEGER PRIMARY KEY REFERENCES groups (id) ON DELETE CASCADE,
    level_id   INTEGER NOT NULL REFERENCES levels (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL CHECK (position >= 1),
    UNIQUE (level_id, position)
);

-- Each word's place on the path: the earliest (level, group) holding it; no row for a word in
-- no level. Derived from words_groups and level_groups: the triggers below follow membership,
-- and the seeding rebuilds the table when levels change (repository/levels.py).
CREATE TABLE word_path (
    word_id         INTEGER PRIMARY KEY,
    level_id        INTEGER NOT NULL,
    level_position  INTEGER NOT NULL,
    group_position  INTEGER NOT NULL
);
CREATE INDEX idx_word_path_order ON word_path (level_position, group_position, word_id);

CREATE TRIGGER trg_word_path_membership_insert AFTER INSERT ON words_groups
WHEN EXISTS (SELECT 1 FROM level_groups WHERE group_id = NEW.group_id)
BEGIN
    INSERT OR REPLACE INTO word_path (word_id, level_id, level_position, group_position)
    SELECT wg.word_id, lg.level_id, l.position, lg.position
    FROM words_groups AS wg
    JOIN level_groups AS lg ON lg.group_id = wg.group_id
    JOIN levels AS l ON l.id = lg.level_id
    WHERE wg.word_id = NEW.word_id
    ORDER BY l.position, lg.position LIMIT 1;
END;

CREATE TRIGGER trg_word_path_membership_delete AFTER DELETE ON words_groups
WHEN EXISTS (SELECT 1 FROM word_path WHERE word_id = OLD.word_id)
BEGIN
    DELETE FROM word_path WHERE word_id = OLD.word_id;
    INSERT INTO word_path (word_id, level_id, level_position, group_position)
    SELECT wg.word_id, lg.level_id, l.position, lg.position
    FROM words_groups AS wg
    JOIN level_groups AS lg ON lg.group_id = wg.group_id
    JOIN levels AS l ON l.id = lg.level_id
    WHERE wg.word_id = OLD.word_id
    ORDER BY l.position, lg.position LIMIT 1;
END;

CREATE TRIGGER trg_word_path_word_delete AFTER DELETE ON words
BEGIN
    DELETE FROM word_path WHERE word_id = OLD.id;
END;
