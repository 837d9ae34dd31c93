-- Tags beside groups (spec, "Word Grouping and Tagging System"): a word carries tags given by
-- hand (source 'manual') and tags the auto-tag rules give it from its text (source 'auto').
-- Existing words get their auto tags from the service when it next starts or seeds: the rules
-- are settings, which SQL cannot read.

CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
);

CREATE TABLE word_tags (
    word_id     INTEGER NOT NULL REFERENCES words (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL CHECK (source IN ('manual', 'auto')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (word_id, tag_id)
) WITHOUT ROWID;
-- the other direction: a tag's words (the words list filtered by tag, GET /tags)
CREATE INDEX idx_word_tags_tag ON word_tags (tag_id, word_id);

-- A tag exists while a word carries it: the last word's removal (by hand, by a rule, or by
-- deleting the word) deletes the tag, so GET /tags lists only tags in use.
CREATE TRIGGER trg_word_tags_delete AFTER DELETE ON word_tags
WHEN NOT EXISTS (SELECT 1 FROM word_tags WHERE tag_id = OLD.tag_id)
BEGIN
    DELETE FROM tags WHERE id = OLD.tag_id;
END;
