-- Asynchronous invocations, queued or leased. Times are milliseconds since
-- the epoch. A poller leases an event by moving visible_at to the end of the
-- lease and setting a fresh lease_token; an expired lease is simply an event
-- visible again. seq breaks ties in visible_at by enqueue order.
CREATE TABLE queue_events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    account     TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    function    TEXT    NOT NULL,
    qualifier   TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    enqueued_at INTEGER NOT NULL,
    visible_at  INTEGER NOT NULL,
    lease_ms    INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    deferrals   INTEGER NOT NULL DEFAULT 0,
    depth       INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_token TEXT,
    UNIQUE (account, id)
) STRICT;

CREATE INDEX queue_events_by_visible ON queue_events (visible_at, seq);
CREATE INDEX queue_events_by_owner ON queue_events (lease_owner) WHERE lease_owner IS NOT NULL;

-- Events that failed with nowhere to deliver them, kept until purged.
CREATE TABLE failed_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    account        TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    function       TEXT    NOT NULL,
    qualifier      TEXT    NOT NULL,
    payload        BLOB    NOT NULL,
    enqueued_at    INTEGER NOT NULL,
    failed_at      INTEGER NOT NULL,
    condition      TEXT    NOT NULL,
    attempts       INTEGER NOT NULL,
    function_error TEXT    NOT NULL,
    response       BLOB
) STRICT;

CREATE INDEX failed_events_by_function ON failed_events (account, function, seq);
CREATE INDEX failed_events_by_time ON failed_events (failed_at);

-- Event invoke configurations per function version or alias. Unset
-- settings are NULL; unset destinations are ''.
CREATE TABLE event_invoke_configs (
    account            TEXT    NOT NULL,
    function           TEXT    NOT NULL,
    qualifier          TEXT    NOT NULL,
    max_retry_attempts INTEGER,
    max_event_age      INTEGER,
    on_success         TEXT    NOT NULL DEFAULT '',
    on_failure         TEXT    NOT NULL DEFAULT '',
    last_modified      INTEGER NOT NULL,
    PRIMARY KEY (account, function, qualifier)
) STRICT;

-- A configuration lives and dies with what it configures: deleting
-- $LATEST (the whole function) deletes all of the function's, deleting a
-- published version deletes that version's.
CREATE TRIGGER event_invoke_configs_follow_functions AFTER DELETE ON functions
BEGIN
    DELETE FROM event_invoke_configs
    WHERE account = old.account AND function = old.name
      AND (old.version = 0 OR qualifier = CAST(old.version AS TEXT));
END;
