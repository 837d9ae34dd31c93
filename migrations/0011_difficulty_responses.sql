-- What the learner answered, and the per-word answer-time counters the word's difficulty reads.

-- the text typed or the option chosen (trimmed, normalised; at most 200 characters as sent);
-- NULL: the app did not say
ALTER TABLE word_review_items ADD COLUMN response TEXT;
-- kept with an archived answer, so that a restore puts it back
ALTER TABLE archived_answers ADD COLUMN response TEXT;

-- A word's most common wrong responses (its analytics), case-folded for ASCII, per word, live
-- and archived.
CREATE INDEX idx_review_items_wrong_responses ON word_review_items (word_id, lower(response))
    WHERE correct = 0 AND response IS NOT NULL;
CREATE INDEX idx_archived_answers_wrong_responses ON archived_answers (word_id, lower(response))
    WHERE correct = 0 AND response IS NOT NULL;

-- Kept in step by the answer pipeline like correct_count and wrong_count: the sum of the
-- answers' times (ms) and how many answers had one, archived answers included.
ALTER TABLE words ADD COLUMN answer_ms_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE words ADD COLUMN timed_answers INTEGER NOT NULL DEFAULT 0;

UPDATE words SET answer_ms_total = timed.total, timed_answers = timed.answers
FROM (SELECT word_id, sum(duration_ms) AS total, count(*) AS answers FROM (
          SELECT word_id, duration_ms FROM word_review_items WHERE duration_ms IS NOT NULL
          UNION ALL
          SELECT word_id, duration_ms FROM archived_answers WHERE duration_ms IS NOT NULL
      ) GROUP BY word_id) AS timed
WHERE words.id = timed.word_id;
