-- Campaign lifecycle and ticks, kept in the database so a restart resumes.
CREATE TABLE campaigns (
    name        TEXT PRIMARY KEY,
    state       TEXT NOT NULL DEFAULT 'draft',   -- draft | active | paused | done
    started_at  TEXT NOT NULL DEFAULT '',
    paused_at   TEXT NOT NULL DEFAULT '',
    last_tick   TEXT NOT NULL DEFAULT '',
    next_tick   TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);

-- An out-of-office answer asks rapport to wait: the contact's next step
-- waits until hold_until.
ALTER TABLE contacts ADD COLUMN hold_until TEXT NOT NULL DEFAULT '';
CREATE INDEX events_type ON events(type, contact_id);
