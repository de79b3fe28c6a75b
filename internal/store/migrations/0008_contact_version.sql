-- A contact's version goes up when something a note is written from
-- changes (names, organization, address, tags, custom fields...), whoever
-- changes it (an import, an edit): a note rendered from version 3 is
-- written again if the contact is at version 4 when it goes out. A counter
-- rather than updated_at, which two changes within a millisecond share; a
-- stage move or an out-of-office hold does not count (the check before
-- each send looks at those itself).
ALTER TABLE contacts ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER contacts_version AFTER UPDATE OF email, first_name, last_name, title, organization, kind, phone, street, city, region, postal_code, country, tags, fields, notes, timezone ON contacts
WHEN NEW.version = OLD.version AND (
     NEW.email IS NOT OLD.email OR
     NEW.first_name IS NOT OLD.first_name OR
     NEW.last_name IS NOT OLD.last_name OR
     NEW.title IS NOT OLD.title OR
     NEW.organization IS NOT OLD.organization OR
     NEW.kind IS NOT OLD.kind OR
     NEW.phone IS NOT OLD.phone OR
     NEW.street IS NOT OLD.street OR
     NEW.city IS NOT OLD.city OR
     NEW.region IS NOT OLD.region OR
     NEW.postal_code IS NOT OLD.postal_code OR
     NEW.country IS NOT OLD.country OR
     NEW.tags IS NOT OLD.tags OR
     NEW.fields IS NOT OLD.fields OR
     NEW.notes IS NOT OLD.notes OR
     NEW.timezone IS NOT OLD.timezone)
BEGIN
    UPDATE contacts SET version = OLD.version + 1 WHERE id = NEW.id;
END;
