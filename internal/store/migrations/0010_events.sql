-- Events people are invited to (an invite step's [steps.event]), as the
-- invitations described them: the revision (SEQUENCE) last sent, and a
-- fingerprint of what an update must tell (title, times, place, rule).
-- Named calendar_events because "events" is the contacts' history.
CREATE TABLE calendar_events (
    id           INTEGER PRIMARY KEY,
    campaign     TEXT NOT NULL,
    step         TEXT NOT NULL,                -- the invite step's id
    round        TEXT NOT NULL DEFAULT '',     -- the campaign's round: '' or a year
    uid          TEXT NOT NULL UNIQUE,         -- the iCalendar UID every message about it carries
    sequence     INTEGER NOT NULL DEFAULT 0,   -- raised by every update and by the cancellation
    fingerprint  TEXT NOT NULL,
    title        TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    timezone     TEXT NOT NULL,
    place        TEXT NOT NULL DEFAULT '',
    capacity     INTEGER NOT NULL DEFAULT 0,   -- 0: no limit
    cancelled_at TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (campaign, step, round)
);

-- Who was invited to an event and how they answered: one row per person
-- (and per meeting of a repeating event, when someone answers for one
-- meeting only). Written when the invitation is sent, and when an answer
-- comes (a calendar reply, a plain "count me in", or the user by hand).
CREATE TABLE rsvps (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES calendar_events(id),
    contact_id    INTEGER NOT NULL REFERENCES contacts(id),
    occurrence    TEXT NOT NULL DEFAULT '',      -- '' for the whole event
    partstat      TEXT NOT NULL DEFAULT 'NEEDS-ACTION', -- ACCEPTED, DECLINED, TENTATIVE, WAITLIST, NEEDS-ACTION
    sequence      INTEGER NOT NULL DEFAULT 0,    -- the revision the answer is about
    stamp         TEXT NOT NULL DEFAULT '',      -- when the answer was made (DTSTAMP or the mail's date)
    source        TEXT NOT NULL DEFAULT '',      -- imip, text, manual; '' before any answer
    message_id    TEXT NOT NULL DEFAULT '',
    comment       TEXT NOT NULL DEFAULT '',
    attended      INTEGER,                       -- NULL: as answered (accepted = attended)
    received_at   TEXT NOT NULL DEFAULT '',
    sent_sequence INTEGER NOT NULL DEFAULT -1,   -- the revision last sent to them; -1: none known
    invited_at    TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, contact_id, occurrence)
);
CREATE INDEX rsvps_contact ON rsvps(contact_id);
