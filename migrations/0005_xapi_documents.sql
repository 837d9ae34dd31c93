-- 0005: the xAPI document resources (State, Activity Profile, Agent Profile).
-- One table for all three: a document is named by its resource, its context and its id, and
-- holds its content verbatim with the content type it came with. An empty string stands for a
-- context part the resource does not use (no agent for an activity profile, no registration),
-- so that the unique key also holds for them (NULLs would all differ from each other).

CREATE TABLE xapi_documents (
    id            INTEGER PRIMARY KEY,
    resource      TEXT    NOT NULL CHECK (resource IN ('state', 'activity_profile', 'agent_profile')),
    activity_id   TEXT    NOT NULL DEFAULT '',
    agent_key     TEXT    NOT NULL DEFAULT '',   -- the agent's identifier, in canonical form
    registration  TEXT    NOT NULL DEFAULT '',
    document_id   TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    content       BLOB    NOT NULL,
    etag          TEXT    NOT NULL,              -- SHA-1 of the content, lowercase hex
    updated_at    TEXT    NOT NULL,              -- stored form (UTC, fixed width)
    UNIQUE (resource, activity_id, agent_key, registration, document_id)
);

-- Lists of ids in one context, with `since`.
CREATE INDEX idx_xapi_documents_context
    ON xapi_documents (resource, activity_id, agent_key, registration, updated_at);
