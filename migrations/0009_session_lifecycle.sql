-- The study session lifecycle (spec, "Study Session Management"): what a learner did to a
-- session. created/active/expired are not stored: a session with no answer is created, one with
-- answers active, and one idle past SESSION_TIMEOUT_MINUTES expired, read from its times, so no
-- writer has to run for a session to expire (service/lifecycle.py).
--   open       created, active or expired, as its answers and times say
--   paused     paused by the learner (paused_at); it does not expire
--   completed  finished (completed_at); it takes no more answers
-- Existing sessions stay open: they read as created or active, or expired when idle.
ALTER TABLE study_sessions ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'open'
    CHECK (lifecycle IN ('open', 'paused', 'completed'));
ALTER TABLE study_sessions ADD COLUMN paused_at TEXT;
-- the last resume: the idle clock runs from the later of this and the last answer (or creation)
ALTER TABLE study_sessions ADD COLUMN resumed_at TEXT;
ALTER TABLE study_sessions ADD COLUMN completed_at TEXT;

-- The breaks in a session: each pause, and the idle time before an expired session was resumed
-- in its grace period. A session's duration is its time to its last answer less the breaks
-- before that answer (an answer never falls inside one).
CREATE TABLE study_session_breaks (
    id                INTEGER PRIMARY KEY,
    study_session_id  INTEGER NOT NULL REFERENCES study_sessions (id) ON DELETE CASCADE,
    started_at        TEXT    NOT NULL,
    ended_at          TEXT    NOT NULL,
    CHECK (ended_at >= started_at)
);
CREATE INDEX idx_study_session_breaks_session ON study_session_breaks (study_session_id);
