-- Where the inbox watcher stands in each mailbox.
CREATE TABLE mailboxes (
    name         TEXT PRIMARY KEY,
    uidvalidity  INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL DEFAULT 0,
    synced_at    TEXT NOT NULL DEFAULT ''
);

-- Every incoming message rapport has processed, so that processing it again
-- (a re-scan after a UIDVALIDITY change, a restart) changes nothing. For
-- messages that matched no contact only the identifiers are kept: rapport
-- never stores other people's mail.
CREATE TABLE inbound (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT NOT NULL,             -- without <>; '' when the message had none
    mailbox     TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    class       TEXT NOT NULL,
    contact_id  INTEGER REFERENCES contacts(id),
    send_id     INTEGER REFERENCES sends(id),
    sender      TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL DEFAULT '',
    processed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX inbound_message_id ON inbound(message_id) WHERE message_id != '';
CREATE UNIQUE INDEX inbound_uid ON inbound(mailbox, uidvalidity, uid);
