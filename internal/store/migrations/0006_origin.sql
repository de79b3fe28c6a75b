-- Where a contact first came from ("imported from contacts.xlsx row 7"):
-- its history begins with it. Kept on the contact instead of as a history
-- row so a 100,000-row import writes one row per contact, not two.
ALTER TABLE contacts ADD COLUMN origin TEXT NOT NULL DEFAULT '';
