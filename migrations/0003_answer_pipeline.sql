-- The answer pipeline: where each answer came from, a registration per session (the session as
-- an xAPI registration), and the keys that let a client resend an answer without doubling it.

ALTER TABLE word_review_items ADD COLUMN source TEXT NOT NULL DEFAULT 'portal';

ALTER TABLE study_sessions ADD COLUMN registration TEXT;
-- a random (version 4) UUID for every existing session; new ones get theirs from the service
UPDATE study_sessions SET registration =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4'
    || substr(lower(hex(randomblob(2))), 2) || '-'
    || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-'
    || lower(hex(randomblob(6)));
CREATE UNIQUE INDEX idx_study_sessions_registration ON study_sessions (registration);

CREATE TABLE idempotency_keys (
    key           TEXT    NOT NULL,
    -- the method and route the key was used on, and a digest of what was asked
    scope         TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,
    -- the review rows the first request stored, as a JSON list of ids
    review_ids    TEXT    NOT NULL CHECK (json_valid(review_ids)),
    created_at    TEXT    NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys (created_at);
