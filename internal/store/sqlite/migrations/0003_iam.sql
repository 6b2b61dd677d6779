-- Identities and policies. Documents are JSON owned by internal/iam; keys
-- are chosen by the caller (lower-cased IAM names). Times are milliseconds
-- since the epoch.
CREATE TABLE iam_entities (
    account    TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    doc        BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account, kind, key)
) STRICT, WITHOUT ROWID;

-- Long-term access keys of IAM users; the secret is sealed by internal/iam.
CREATE TABLE access_keys (
    id         TEXT    PRIMARY KEY,
    account    TEXT    NOT NULL,
    user_key   TEXT    NOT NULL,
    secret     BLOB    NOT NULL,
    active     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    last_used  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX access_keys_by_user ON access_keys (account, user_key, created_at);

CREATE TABLE accounts (
    id         TEXT    PRIMARY KEY,
    doc        BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

-- A function's resource policy goes with the version it is attached to.
CREATE TRIGGER function_policies_follow_functions AFTER DELETE ON functions
BEGIN
    DELETE FROM iam_entities
    WHERE account = old.account AND kind = 'function-policy'
      AND key = old.name || ':' || CASE old.version WHEN 0 THEN '$LATEST' ELSE CAST(old.version AS TEXT) END;
END;
