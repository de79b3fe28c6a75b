-- Referrals received from a source: when, how many, a note. Never who the
-- clients were.
CREATE TABLE referrals (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id),
    received_on TEXT NOT NULL,
    count       INTEGER NOT NULL DEFAULT 1 CHECK (count > 0),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX referrals_contact ON referrals(contact_id);
