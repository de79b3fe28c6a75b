-- The dashboard's board shows each contact with the last thing that
-- happened with them. It is kept on the contact, by a trigger on every
-- history line any writer adds, so that the board reads a page of cards
-- per stage through an index instead of the whole history (10,000
-- contacts and 50,000 history lines in a few milliseconds). A re-import's
-- changes and a row gone from its spreadsheet say nothing about the
-- relationship and do not count. '' means nothing happened since the
-- contact was added.
ALTER TABLE contacts ADD COLUMN last_at TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN last_type TEXT NOT NULL DEFAULT '';
UPDATE contacts SET
    last_at = COALESCE((SELECT max(at) FROM events WHERE contact_id = contacts.id AND type NOT IN ('updated', 'missing')), ''),
    last_type = COALESCE((SELECT type FROM events WHERE contact_id = contacts.id AND type NOT IN ('updated', 'missing')
        ORDER BY at DESC, id DESC LIMIT 1), '');
CREATE TRIGGER contacts_last AFTER INSERT ON events
WHEN NEW.type NOT IN ('updated', 'missing')
BEGIN
    UPDATE contacts SET last_at = NEW.at, last_type = NEW.type WHERE id = NEW.contact_id AND last_at <= NEW.at;
END;
CREATE INDEX contacts_board ON contacts(stage, last_at);
