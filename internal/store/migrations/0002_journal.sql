-- The send journal: one row per (campaign, step, contact, round), never two.
CREATE TABLE sends (
    id              INTEGER PRIMARY KEY,
    campaign        TEXT NOT NULL,
    step            TEXT NOT NULL,
    contact_id      INTEGER NOT NULL REFERENCES contacts(id),
    round           TEXT NOT NULL DEFAULT '',     -- '' for once; e.g. '2027' for a yearly campaign
    channel         TEXT NOT NULL DEFAULT 'email',
    email           TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL,
    message_id      TEXT NOT NULL DEFAULT '',     -- without <>
    subject         TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    response        TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT NOT NULL DEFAULT '',
    UNIQUE (campaign, step, contact_id, round)
);
CREATE INDEX sends_message_id ON sends(message_id) WHERE message_id != '';
CREATE INDEX sends_state ON sends(state);
CREATE INDEX sends_contact ON sends(contact_id);
CREATE INDEX sends_sent_at ON sends(sent_at) WHERE sent_at != '';

-- Small pieces of state: whether sending is paused and why, and the like.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
