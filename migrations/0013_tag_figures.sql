-- 0013: each tag's figures kept as answers and tags change, so GET /tags reads one stored row
-- per tag instead of summing over every word that carries it; and one view for a word's place
-- on the learning path, which 0010's membership triggers and the rebuild used to spell out
-- three times.

-- Each tag row carries its word's figures, copied by the triggers below (as word_path does for
-- the levels): a tag's figures then follow from the rows' old and new values alone, whatever
-- the order of the cascades when a word is deleted.
--   answers:    the word's correct_count + wrong_count
--   last_used:  the word's last_reviewed_at
--   difficulty: the word's FSRS difficulty put on 0-1, (D - 1) / 9; NULL without a card
ALTER TABLE word_tags ADD COLUMN answers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE word_tags ADD COLUMN last_used TEXT;
ALTER TABLE word_tags ADD COLUMN difficulty REAL;

UPDATE word_tags SET (answers, last_used) = (
    SELECT w.correct_count + w.wrong_count, w.last_reviewed_at FROM words AS w
    WHERE w.id = word_tags.word_id);
UPDATE word_tags SET difficulty = (
    SELECT (c.difficulty - 1.0) / 9.0 FROM srs_cards AS c WHERE c.word_id = word_tags.word_id);

-- a tag's latest answer is one seek when the word holding it loses it
CREATE INDEX idx_word_tags_last_used ON word_tags (tag_id, last_used) WHERE last_used IS NOT NULL;

-- One row per tag in use: GET /tags reads these. difficulty is difficulty_sum / difficulty_count
-- (NULL when no word of the tag has a card).
CREATE TABLE tag_figures (
    tag_id            INTEGER PRIMARY KEY REFERENCES tags (id) ON DELETE CASCADE,
    word_count        INTEGER NOT NULL DEFAULT 0,
    usage_count       INTEGER NOT NULL DEFAULT 0,
    last_used         TEXT,
    difficulty_sum    REAL    NOT NULL DEFAULT 0,
    difficulty_count  INTEGER NOT NULL DEFAULT 0
);

INSERT INTO tag_figures (tag_id, word_count, usage_count, last_used, difficulty_sum,
    difficulty_count)
SELECT tag_id, count(*), sum(answers), max(last_used), coalesce(sum(difficulty), 0),
    count(difficulty)
FROM word_tags GROUP BY tag_id;

-- a tag's figures follow its rows
CREATE TRIGGER trg_tag_figures_insert AFTER INSERT ON word_tags
BEGIN
    INSERT INTO tag_figures (tag_id, word_count, usage_count, last_used, difficulty_sum,
        difficulty_count)
    VALUES (NEW.tag_id, 1, NEW.answers, NEW.last_used, coalesce(NEW.difficulty, 0),
        NEW.difficulty IS NOT NULL)
    ON CONFLICT (tag_id) DO UPDATE SET word_count = word_count + 1,
        usage_count = usage_count + excluded.usage_count,
        last_used = (SELECT max(x.last_used) FROM word_tags AS x
                     WHERE x.tag_id = NEW.tag_id AND x.last_used IS NOT NULL),
        difficulty_sum = difficulty_sum + excluded.difficulty_sum,
        difficulty_count = difficulty_count + excluded.difficulty_count;
    -- an insert names the word, the tag and the source: the row copies the word's figures
    -- (through the update trigger below, which moves the tag's)
    UPDATE word_tags SET
        answers = coalesce((SELECT w.correct_count + w.wrong_count FROM words AS w
                            WHERE w.id = NEW.word_id), 0),
        last_used = (SELECT w.last_reviewed_at FROM words AS w WHERE w.id = NEW.word_id),
        difficulty = (SELECT (c.difficulty - 1.0) / 9.0 FROM srs_cards AS c
                      WHERE c.word_id = NEW.word_id)
    WHERE word_id = NEW.word_id AND tag_id = NEW.tag_id;
END;

CREATE TRIGGER trg_tag_figures_update AFTER UPDATE OF answers, last_used, difficulty ON word_tags
WHEN NEW.answers <> OLD.answers OR NEW.last_used IS NOT OLD.last_used
    OR NEW.difficulty IS NOT OLD.difficulty
BEGIN
    -- the sum goes back to exactly 0 with its last term, so no rounding is left behind
    UPDATE tag_figures SET usage_count = usage_count + NEW.answers - OLD.answers,
        last_used = (SELECT max(x.last_used) FROM word_tags AS x
                     WHERE x.tag_id = NEW.tag_id AND x.last_used IS NOT NULL),
        difficulty_sum = iif(
            difficulty_count + (NEW.difficulty IS NOT NULL) - (OLD.difficulty IS NOT NULL) = 0,
            0, difficulty_sum + coalesce(NEW.difficulty, 0) - coalesce(OLD.difficulty, 0)),
        difficulty_count = difficulty_count + (NEW.difficulty IS NOT NULL)
            - (OLD.difficulty IS NOT NULL)
    WHERE tag_id = NEW.tag_id;
END;

CREATE TRIGGER trg_tag_figures_delete AFTER DELETE ON word_tags
BEGIN
    UPDATE tag_figures SET word_count = word_count - 1, usage_count = usage_count - OLD.answers,
        last_used = (SELECT max(x.last_used) FROM word_tags AS x
                     WHERE x.tag_id = OLD.tag_id AND x.last_used IS NOT NULL),
        difficulty_sum = iif(difficulty_count - (OLD.difficulty IS NOT NULL) = 0,
            0, difficulty_sum - coalesce(OLD.difficulty, 0)),
        difficulty_count = difficulty_count - (OLD.difficulty IS NOT NULL)
    WHERE tag_id = OLD.tag_id;
    DELETE FROM tag_figures WHERE tag_id = OLD.tag_id AND word_count = 0;
END;

-- the rows follow their word's counters and card
CREATE TRIGGER trg_word_tags_word_figures AFTER UPDATE OF correct_count, wrong_count,
    last_reviewed_at ON words
WHEN NEW.correct_count + NEW.wrong_count <> OLD.correct_count + OLD.wrong_count
    OR NEW.last_reviewed_at IS NOT OLD.last_reviewed_at
BEGIN
    UPDATE word_tags SET answers = NEW.correct_count + NEW.wrong_count,
        last_used = NEW.last_reviewed_at
    WHERE word_id = NEW.id;
END;

CREATE TRIGGER trg_word_tags_card_insert AFTER INSERT ON srs_cards
BEGIN
    UPDATE word_tags SET difficulty = (NEW.difficulty - 1.0) / 9.0 WHERE word_id = NEW.word_id;
END;

CREATE TRIGGER trg_word_tags_card_update AFTER UPDATE OF difficulty, word_id ON srs_cards
WHEN NEW.difficulty IS NOT OLD.difficulty OR NEW.word_id <> OLD.word_id
BEGIN
    UPDATE word_tags SET difficulty = NULL
    WHERE word_id = OLD.word_id AND OLD.word_id <> NEW.word_id;
    UPDATE word_tags SET difficulty = (NEW.difficulty - 1.0) / 9.0 WHERE word_id = NEW.word_id;
END;

CREATE TRIGGER trg_word_tags_card_delete AFTER DELETE ON srs_cards
BEGIN
    UPDATE word_tags SET difficulty = NULL WHERE word_id = OLD.word_id;
END;

-- Each word's place on the learning path: the earliest (level, group) holding it, with the
-- figures its word_path row copies. The membership triggers and repository/levels.py's
-- rebuild all read this; a filter on word_id reaches the window's partition, so a trigger
-- reads one word's groups.
CREATE VIEW word_path_places AS
SELECT p.word_id, p.level_id, p.level_position, p.group_position, w.correct_count,
    w.wrong_count, coalesce(c.state IN (2, 3), 0) AS learned, c.first_review
FROM (
    SELECT wg.word_id, lg.level_id, l.position AS level_position,
        lg.position AS group_position,
        row_number() OVER (PARTITION BY wg.word_id ORDER BY l.position, lg.position) AS choice
    FROM words_groups AS wg
    JOIN level_groups AS lg ON lg.group_id = wg.group_id
    JOIN levels AS l ON l.id = lg.level_id
) AS p
JOIN words AS w ON w.id = p.word_id
LEFT JOIN srs_cards AS c ON c.word_id = p.word_id
WHERE p.choice = 1;

DROP TRIGGER trg_word_path_membership_insert;
DROP TRIGGER trg_word_path_membership_delete;

CREATE TRIGGER trg_word_path_membership_insert AFTER INSERT ON words_groups
WHEN EXISTS (SELECT 1 FROM level_groups WHERE group_id = NEW.group_id)
BEGIN
    DELETE FROM word_path WHERE word_id = NEW.word_id;
    INSERT INTO word_path (word_id, level_id, level_position, group_position, correct_count,
        wrong_count, learned, first_review)
    SELECT word_id, level_id, level_position, group_position, correct_count, wrong_count,
        learned, first_review
    FROM word_path_places WHERE word_id = NEW.word_id;
END;

CREATE TRIGGER trg_word_path_membership_delete AFTER DELETE ON words_groups
WHEN EXISTS (SELECT 1 FROM word_path WHERE word_id = OLD.word_id)
BEGIN
    DELETE FROM word_path WHERE word_id = OLD.word_id;
    INSERT INTO word_path (word_id, level_id, level_position, group_position, correct_count,
        wrong_count, learned, first_review)
    SELECT word_id, level_id, level_position, group_position, correct_count, wrong_count,
        learned, first_review
    FROM word_path_places WHERE word_id = OLD.word_id;
END;

-- The spec's LearningPathConfig: a level's expected difficulty (0 easy to 1 hard, the scale of
-- a word's difficulty score; NULL: none declared), the band around which the review queue
-- keeps the target of the level's new words; and the progression's review interval, the
-- whole days a level must have been under review (since its first answer) before it can be
-- completed (0: none). docs/learning-path.md.
ALTER TABLE levels ADD COLUMN difficulty REAL
    CHECK (difficulty IS NULL OR (difficulty >= 0 AND difficulty <= 1));
ALTER TABLE levels ADD COLUMN review_interval_days INTEGER NOT NULL DEFAULT 0
    CHECK (review_interval_days >= 0);
