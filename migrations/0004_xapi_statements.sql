-- 0004: the xAPI Learning Record Store's statements, attachments, activities and keys.

-- Keys for HTTP Basic authentication on /xapi. Only a hash of the secret is kept: secrets are
-- 256 random bits, so one SHA-256 is as good as a slow password hash and costs microseconds per
-- request. A launch key (`registration` set) may only write and read that registration, until
-- `expires_at`.
CREATE TABLE xapi_keys (
    username       TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    secret_sha256  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    registration   TEXT,
    actor          TEXT,            -- JSON of the launched learner's Agent
    expires_at     TEXT
) WITHOUT ROWID;
CREATE INDEX idx_xapi_keys_expires ON xapi_keys (expires_at) WHERE expires_at IS NOT NULL;

-- Every statement verbatim (as the LRS completed it: id, stored, authority, version set), in
-- the order stored (`seq`). `stored` never goes backwards as `seq` grows, so since/until are
-- turned into a `seq` range.
CREATE TABLE xapi_statements (
    seq            INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,   -- lower-case UUID
    stored         TEXT    NOT NULL,          -- UTC, millisecond precision, 'Z'
    statement      TEXT    NOT NULL,          -- JSON
    verb_id        TEXT    NOT NULL,
    voided         INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    voids          TEXT,                      -- a voiding statement: the id it voids
    object_ref     TEXT,                      -- a StatementRef object: the id it targets
    has_attachments INTEGER NOT NULL DEFAULT 0,
    -- the portal answer this statement is, either door (lang_portal.xapi.answers)
    review_id      INTEGER REFERENCES word_review_items (id) ON DELETE SET NULL
);
CREATE INDEX idx_xapi_statements_stored ON xapi_statements (stored);
CREATE INDEX idx_xapi_statements_voids ON xapi_statements (voids) WHERE voids IS NOT NULL;
CREATE INDEX idx_xapi_statements_object_ref ON xapi_statements (object_ref)
    WHERE object_ref IS NOT NULL;
CREATE INDEX idx_xapi_statements_review ON xapi_statements (review_id);

-- The values the statement filters look for, each stored once: kind 1 verb id, 2 activity id,
-- 3 agent identifier (`mbox:...`, `mbox_sha1sum:...`, `openid:...`, `account:HOME NAME`),
-- 4 registration.
CREATE TABLE xapi_terms (
    id     INTEGER PRIMARY KEY,
    kind   INTEGER NOT NULL CHECK (kind IN (1, 2, 3, 4)),
    value  TEXT    NOT NULL,
    UNIQUE (kind, value)
);

-- Which statements each filter value finds. `broad` 0: where the plain filter looks (verb,
-- the object activity, actor or object agent, registration); `broad` 1: where
-- related_activities / related_agents look too (context activities, authority, instructor,
-- team, a sub-statement's parts), the plain places included. A statement whose object is a
-- StatementRef also carries the rows of the statement it targets (recursively), so that the
-- spec's StatementRef filter rule is one index range, as fast as any other filter. No index
-- by seq: a statement's own rows are worked out again from its JSON when needed (rare), which
-- spares every write an entry per row.
CREATE TABLE xapi_statement_index (
    term   INTEGER NOT NULL,   -- xapi_terms.id (no foreign key: a lookup per row written)
    broad  INTEGER NOT NULL CHECK (broad IN (0, 1)),
    seq    INTEGER NOT NULL,
    PRIMARY KEY (term, broad, seq)
) WITHOUT ROWID;

-- Attachment contents, once per SHA-2 hash, whichever statements name them.
CREATE TABLE xapi_attachments (
    sha2          TEXT PRIMARY KEY,
    content_type  TEXT    NOT NULL,
    length        INTEGER NOT NULL,
    content       BLOB    NOT NULL
);

-- The LRS's canonical Activity definitions: merged from every statement that defines them.
CREATE TABLE xapi_activities (
    id          TEXT PRIMARY KEY,
    definition  TEXT NOT NULL,   -- JSON object
    updated     TEXT NOT NULL
) WITHOUT ROWID;
