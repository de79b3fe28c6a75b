-- A contact's version goes up with every change to its row, whoever makes
-- it (an import, an edit, a stage move): a note rendered from version 3 is
-- written again if the contact is at version 4 when it goes out. A counter
-- rather than updated_at, which two changes within a millisecond share.
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER contacts_version AFTER UPDATE ON contacts
WHEN NEW.version = OLD.version
BEGIN
    UPDATE contacts SET version = OLD.version + 1 WHERE id = NEW.id;
END;
