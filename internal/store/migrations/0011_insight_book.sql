-- The contact book (issue 12): referrals by date, the suppression list of
-- forgotten people, and the text contact search looks in.
CREATE INDEX referrals_received ON referrals(received_on);

-- A forgotten person leaves only a keyed one-way hash of their address (or,
-- postal-only, of their name and address) behind, so that importing them
-- again brings them back as do-not-contact. The key is this store's own, so
-- the hashes cannot be matched against any other list.
CREATE TABLE suppressed (
    hash       TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
INSERT OR IGNORE INTO settings (key, value, updated_at)
    VALUES ('suppression.key', lower(hex(randomblob(32))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- What contact search looks in, folded (lower case, no accents). NULL means
-- "compute it before the next search": a change to any searched column by
-- any writer clears it, so a search never reads stale text, and an import
-- pays nothing for it.
ALTER TABLE contacts ADD COLUMN search TEXT;
CREATE TRIGGER contacts_search AFTER UPDATE OF email, first_name, last_name, title, organization, kind, city, region, tags, fields, notes ON contacts
WHEN NEW.search IS NOT NULL AND NEW.search IS OLD.search
BEGIN
    UPDATE contacts SET search = NULL WHERE id = NEW.id;
END;
CREATE INDEX contacts_search_stale ON contacts(id) WHERE search IS NULL;

-- The report's bounces and opt-outs are the automatic moves to those
-- stages: a few rows among all the history.
CREATE INDEX events_auto_moves ON events(contact_id) WHERE type = 'stage' AND auto = 1 AND to_stage IN ('bounced', 'opted-out');

-- The user's own stage moves ("we met") count as being in touch.
CREATE INDEX events_manual_moves ON events(contact_id, at) WHERE type = 'stage' AND auto = 0;
