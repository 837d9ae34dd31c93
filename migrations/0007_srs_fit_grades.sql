-- Answers with grades, the FSRS parameters fitted to this learner, and a guard against
-- storing one answer twice (an import of what is already there).

-- again, hard, good, easy (FSRS's ratings 1-4); NULL: a right/wrong answer (good or again)
ALTER TABLE word_review_items ADD COLUMN grade INTEGER CHECK (grade IS NULL OR grade BETWEEN 1 AND 4);

-- Every fit that was kept, newest last; the one in use is the newest unless a reset row
-- (parameters NULL: back to the defaults) follows it.
CREATE TABLE srs_parameters (
    id               INTEGER PRIMARY KEY,
    -- a JSON list of the 21 FSRS-6 weights; NULL: the defaults
    parameters       TEXT    CHECK (parameters IS NULL OR json_valid(parameters)),
    -- a right answer sent without a grade and slower than this (ms) counts as hard, not good;
    -- NULL: every right answer without a grade is good (kept only when it predicted better)
    slow_correct_ms  INTEGER CHECK (slow_correct_ms IS NULL OR slow_correct_ms > 0),
    -- 'fitted' (srs optimize, by hand or automatically) or 'reset' (back to the defaults)
    origin           TEXT    NOT NULL CHECK (origin IN ('fitted', 'reset')),
    -- held-out scores of these, the defaults and the constant baseline, the split, the data
    report           TEXT    NOT NULL CHECK (json_valid(report)),
    created_at       TEXT    NOT NULL
);
