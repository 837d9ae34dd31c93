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
    created_at        TEXT    NOT NULL,
    -- the level's figures, kept in step with word_path by its triggers below, so that reading
    -- the path costs as much with a hundred thousand words as with a thousand
    word_count        INTEGER NOT NULL DEFAULT 0,
    words_learned     INTEGER NOT NULL DEFAULT 0,
    correct_count     INTEGER NOT NULL DEFAULT 0,
    wrong_count       INTEGER NOT NULL DEFAULT 0
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
-- and the seeding rebuilds the table when levels change (repository/levels.py). Each row also
-- carries the word's counters and card state (copied by triggers on words and srs_cards), so
-- that the level's figures follow every change whatever its order within a cascade.
CREATE TABLE word_path (
    word_id         INTEGER PRIMARY KEY,
    level_id        INTEGER NOT NULL,
    level_position  INTEGER NOT NULL,
    group_position  INTEGER NOT NULL,
    correct_count   INTEGER NOT NULL DEFAULT 0,
    wrong_count     INTEGER NOT NULL DEFAULT 0,
    -- the FSRS card has left the learning steps (state review or relearning)
    learned         INTEGER NOT NULL DEFAULT 0,
    first_review    TEXT
);
CREATE INDEX idx_word_path_order ON word_path (level_position, group_position, word_id);
-- the words never answered (no card, so no first review), in path order: the review queue's
-- new words are the first entries of this index, however many words were studied before
CREATE INDEX idx_word_path_new ON word_path (level_position, group_position, word_id)
    WHERE first_review IS NULL;
CREATE INDEX idx_word_path_started ON word_path (level_position, first_review)
    WHERE first_review IS NOT NULL;

-- the level's counters follow its words' rows
CREATE TRIGGER trg_word_path_insert AFTER INSERT ON word_path
BEGIN
    UPDATE levels SET word_count = word_count + 1, words_learned = words_learned + NEW.learned,
        correct_count = correct_count + NEW.correct_count,
        wrong_count = wrong_count + NEW.wrong_count
    WHERE id = NEW.level_id;
END;

CREATE TRIGGER trg_word_path_delete AFTER DELETE ON word_path
BEGIN
    UPDATE levels SET word_count = word_count - 1, words_learned = words_learned - OLD.learned,
        correct_count = correct_count - OLD.correct_count,
        wrong_count = wrong_count - OLD.wrong_count
    WHERE id = OLD.level_id;
END;

CREATE TRIGGER trg_word_path_update AFTER UPDATE ON word_path
WHEN NEW.level_id <> OLD.level_id OR NEW.learned <> OLD.learned
    OR NEW.correct_count <> OLD.correct_count OR NEW.wrong_count <> OLD.wrong_count
BEGIN
    UPDATE levels SET
        word_count = word_count + (id = NEW.level_id) - (id = OLD.level_id),
        words_learned = words_learned + iif(id = NEW.level_id, NEW.learned, 0)
            - iif(id = OLD.level_id, OLD.learned, 0),
        correct_count = correct_count + iif(id = NEW.level_id, NEW.correct_count, 0)
            - iif(id = OLD.level_id, OLD.correct_count, 0),
        wrong_count = wrong_count + iif(id = NEW.level_id, NEW.wrong_count, 0)
            - iif(id = OLD.level_id, OLD.wrong_count, 0)
    WHERE id IN (NEW.level_id, OLD.level_id);
END;

-- a word's row follows its counters and its card
CREATE TRIGGER trg_word_path_counters AFTER UPDATE OF correct_count, wrong_count ON words
WHEN NEW.correct_count <> OLD.correct_count OR NEW.wrong_count <> OLD.wrong_count
BEGIN
    UPDATE word_path SET correct_count = NEW.correct_count, wrong_count = NEW.wrong_count
    WHERE word_id = NEW.id;
END;

CREATE TRIGGER trg_word_path_card_insert AFTER INSERT ON srs_cards
BEGIN
    UPDATE word_path SET learned = NEW.state IN (2, 3), first_review = NEW.first_review
    WHERE word_id = NEW.word_id;
END;

CREATE TRIGGER trg_word_path_card_update AFTER UPDATE ON srs_cards
WHEN (NEW.state IN (2, 3)) <> (OLD.state IN (2, 3)) OR NEW.first_review IS NOT OLD.first_review
    OR NEW.word_id <> OLD.word_id
BEGIN
    UPDATE word_path SET learned = NEW.state IN (2, 3), first_review = NEW.first_review
    WHERE word_id = NEW.word_id;
END;

CREATE TRIGGER trg_word_path_card_delete AFTER DELETE ON srs_cards
BEGIN
    UPDATE word_path SET learned = 0, first_review = NULL WHERE word_id = OLD.word_id;
END;

-- a word's place follows its groups (the select is the one of repository/levels.py's rebuild)
CREATE TRIGGER trg_word_path_membership_insert AFTER INSERT ON words_groups
WHEN EXISTS (SELECT 1 FROM level_groups WHERE group_id = NEW.group_id)
BEGIN
    DELETE FROM word_path WHERE word_id = NEW.word_id;
    INSERT INTO word_path (word_id, level_id, level_position, group_position, correct_count,
        wrong_count, learned, first_review)
    SELECT wg.word_id, lg.level_id, l.position, lg.position, w.correct_count, w.wrong_count,
        coalesce(c.state IN (2, 3), 0), c.first_review
    FROM words_groups AS wg
    JOIN level_groups AS lg ON lg.group_id = wg.group_id
    JOIN levels AS l ON l.id = lg.level_id
    JOIN words AS w ON w.id = wg.word_id
    LEFT JOIN srs_cards AS c ON c.word_id = wg.word_id
    WHERE wg.word_id = NEW.word_id
    ORDER BY l.position, lg.position LIMIT 1;
END;

CREATE TRIGGER trg_word_path_membership_delete AFTER DELETE ON words_groups
WHEN EXISTS (SELECT 1 FROM word_path WHERE word_id = OLD.word_id)
BEGIN
    DELETE FROM word_path WHERE word_id = OLD.word_id;
    INSERT INTO word_path (word_id, level_id, level_position, group_position, correct_count,
        wrong_count, learned, first_review)
    SELECT wg.word_id, lg.level_id, l.position, lg.position, w.correct_count, w.wrong_count,
        coalesce(c.state IN (2, 3), 0), c.first_review
    FROM words_groups AS wg
    JOIN level_groups AS lg ON lg.group_id = wg.group_id
    JOIN levels AS l ON l.id = lg.level_id
    JOIN words AS w ON w.id = wg.word_id
    LEFT JOIN srs_cards AS c ON c.word_id = wg.word_id
    WHERE wg.word_id = OLD.word_id
    ORDER BY l.position, lg.position LIMIT 1;
END;

CREATE TRIGGER trg_word_path_word_delete AFTER DELETE ON words
BEGIN
    DELETE FROM word_path WHERE word_id = OLD.id;
END;
