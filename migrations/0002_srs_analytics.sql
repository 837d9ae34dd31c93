-- 0002: spaced-repetition state and the summaries the learning analytics read.
-- Every table here is derived from word_review_items: the review write keeps it in step, a
-- history reset clears it, and an import rebuilds it by replaying the history in time order.

-- One row per word that has been reviewed at least once; a word without a row is "new".
CREATE TABLE srs_cards (
    word_id          INTEGER PRIMARY KEY REFERENCES words (id) ON DELETE CASCADE,
    state            INTEGER NOT NULL CHECK (state IN (1, 2, 3)),  -- fsrs.State
    step             INTEGER,
    stability        REAL    NOT NULL,
    difficulty       REAL    NOT NULL,
    due              TEXT    NOT NULL,
    last_review      TEXT    NOT NULL,
    first_review     TEXT    NOT NULL,
    reps             INTEGER NOT NULL DEFAULT 0,
    lapses           INTEGER NOT NULL DEFAULT 0,
    -- reviews and failures counted as srs-benchmark counts them (one a day at most), for the
    -- evaluation's RMSE bins
    day_reps         INTEGER NOT NULL DEFAULT 0,
    day_lapses       INTEGER NOT NULL DEFAULT 0,
    -- the activity of the last review, credited with the next answer a day or more later
    last_activity_id INTEGER
);
CREATE INDEX idx_srs_cards_due ON srs_cards (due);
CREATE INDEX idx_srs_cards_stability ON srs_cards (stability);

-- Per local day: distinct words studied and words seen for the first time.
ALTER TABLE daily_stats ADD COLUMN words INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_stats ADD COLUMN new_words INTEGER NOT NULL DEFAULT 0;

-- Which words were studied on which local day: makes `daily_stats.words` a distinct count.
CREATE TABLE daily_words (
    day      TEXT    NOT NULL,
    word_id  INTEGER NOT NULL,
    PRIMARY KEY (day, word_id)
) WITHOUT ROWID;

-- Learning curve: accuracy by how many times the word had been seen before the answer ...
CREATE TABLE curve_by_seen (
    seen     INTEGER PRIMARY KEY,
    reviews  INTEGER NOT NULL DEFAULT 0,
    correct  INTEGER NOT NULL DEFAULT 0
);

-- ... and by whole days since the word's previous review.
CREATE TABLE curve_by_gap (
    days     INTEGER PRIMARY KEY,
    reviews  INTEGER NOT NULL DEFAULT 0,
    correct  INTEGER NOT NULL DEFAULT 0
);

-- Per study activity: answers given in it, and the next answer to the same word a day or
-- more later (in any activity), which tells what the activity left in memory.
CREATE TABLE activity_stats (
    activity_id     INTEGER PRIMARY KEY REFERENCES study_activities (id) ON DELETE CASCADE,
    reviews         INTEGER NOT NULL DEFAULT 0,
    correct         INTEGER NOT NULL DEFAULT 0,
    later_reviews   INTEGER NOT NULL DEFAULT 0,
    later_correct   INTEGER NOT NULL DEFAULT 0
);

-- The scheduler's predictions scored as they are made, grouped by srs-benchmark's RMSE bins.
CREATE TABLE srs_eval_bins (
    delta_bin  REAL    NOT NULL,
    i_bin      REAL    NOT NULL,
    lapse_bin  REAL    NOT NULL,
    n          INTEGER NOT NULL DEFAULT 0,
    sum_p      REAL    NOT NULL DEFAULT 0,
    sum_y      INTEGER NOT NULL DEFAULT 0,
    sum_log_loss REAL  NOT NULL DEFAULT 0,
    PRIMARY KEY (delta_bin, i_bin, lapse_bin)
) WITHOUT ROWID;

-- Outcomes by predicted recall in 1/10000 steps, for the AUC.
CREATE TABLE srs_eval_hist (
    bucket     INTEGER PRIMARY KEY,
    positives  INTEGER NOT NULL DEFAULT 0,
    negatives  INTEGER NOT NULL DEFAULT 0
);
