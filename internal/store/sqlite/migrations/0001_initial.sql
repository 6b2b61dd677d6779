-- Functions: one row per version; version 0 is $LATEST. The $LATEST row
-- carries the function-level tags and the highest version number ever
-- published (last_version), so numbers are never reused.
CREATE TABLE functions (
    account      TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    revision_id  TEXT    NOT NULL,
    code_digest  TEXT    NOT NULL,
    code_size    INTEGER NOT NULL,
    config       BLOB,
    tags         TEXT,
    last_version INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER,
    updated_at   INTEGER,
    PRIMARY KEY (account, name, version)
) STRICT;

-- DeleteFunction asks whether any row of any account still references a digest.
CREATE INDEX functions_by_code_digest ON functions (code_digest);

CREATE TABLE log_groups (
    account       TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    creation_time INTEGER NOT NULL,
    stored_bytes  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, name)
) STRICT;

CREATE TABLE log_streams (
    account             TEXT    NOT NULL,
    log_group           TEXT    NOT NULL,
    name                TEXT    NOT NULL,
    creation_time       INTEGER NOT NULL,
    event_count         INTEGER NOT NULL DEFAULT 0,
    first_event_time    INTEGER NOT NULL DEFAULT 0,
    last_event_time     INTEGER NOT NULL DEFAULT 0,
    last_ingestion_time INTEGER NOT NULL DEFAULT 0,
    stored_bytes        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, log_group, name),
    FOREIGN KEY (account, log_group) REFERENCES log_groups (account, name) ON DELETE CASCADE
) STRICT;

-- ListLogStreams ordered by last event time pages on (last_event_time, name).
CREATE INDEX log_streams_by_last_event ON log_streams (account, log_group, last_event_time, name);

-- AUTOINCREMENT: event IDs are positions handed to clients and must never
-- be reused, even after the newest events are deleted.
CREATE TABLE log_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account        TEXT    NOT NULL,
    log_group      TEXT    NOT NULL,
    stream         TEXT    NOT NULL,
    event_time     INTEGER NOT NULL,
    ingestion_time INTEGER NOT NULL,
    message        TEXT    NOT NULL,
    FOREIGN KEY (account, log_group, stream) REFERENCES log_streams (account, log_group, name) ON DELETE CASCADE
) STRICT;

CREATE INDEX log_events_by_group ON log_events (account, log_group, id);
CREATE INDEX log_events_by_stream ON log_events (account, log_group, stream, id);
