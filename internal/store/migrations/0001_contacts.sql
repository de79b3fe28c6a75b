-- Contacts, their history and the import log.
CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
    email         TEXT COLLATE NOCASE,          -- NULL for postal-only contacts
    postal_key    TEXT,                         -- identifies postal-only contacts across imports
    first_name    TEXT NOT NULL DEFAULT '',
    last_name     TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL DEFAULT '',
    organization  TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    street        TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    region        TEXT NOT NULL DEFAULT '',
    postal_code   TEXT NOT NULL DEFAULT '',
    country       TEXT NOT NULL DEFAULT '',
    tags          TEXT NOT NULL DEFAULT '[]',   -- JSON array of normalized tags
    fields        TEXT NOT NULL DEFAULT '{}',   -- JSON object of custom fields
    stage         TEXT NOT NULL DEFAULT 'new',
    notes         TEXT NOT NULL DEFAULT '',
    timezone      TEXT NOT NULL DEFAULT '',
    source_file   TEXT NOT NULL DEFAULT '',
    source_row    INTEGER NOT NULL DEFAULT 0,
    missing       INTEGER NOT NULL DEFAULT 0,   -- its row disappeared from its spreadsheet source
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (email IS NOT NULL OR postal_key IS NOT NULL)
);
CREATE UNIQUE INDEX contacts_email ON contacts(email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX contacts_postal ON contacts(postal_key) WHERE email IS NULL;
CREATE INDEX contacts_stage ON contacts(stage);

-- Every stage move and every mail event of a contact, in order.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id),
    at          TEXT NOT NULL,
    type        TEXT NOT NULL,
    from_stage  TEXT NOT NULL DEFAULT '',
    to_stage    TEXT NOT NULL DEFAULT '',
    auto        INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT '',
    message_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_contact ON events(contact_id, at);

-- One row per import that changed the store (dry runs are not logged).
CREATE TABLE imports (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    file       TEXT NOT NULL,
    sheet      TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',   -- the [[sources]] path when the daemon imported it
    read       INTEGER NOT NULL,
    created    INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    unchanged  INTEGER NOT NULL,
    skipped    INTEGER NOT NULL,
    errors     TEXT NOT NULL DEFAULT '[]'  -- JSON [{row, column, message}]
);
