-- Print batches: the letters one campaign step had due at one tick, written
-- together to one PDF (with its envelopes or labels) for the user to print,
-- sign and post. A batch is claimed before its PDF is written (files holds
-- the names it will have, the letters' PDF first) and is complete once
-- written_at is set; mailed_at is when the user posted it, from which the
-- next step's delay counts. AUTOINCREMENT: a batch abandoned after a crash
-- never lends its number (and its file names) to another.
CREATE TABLE letter_batches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign    TEXT NOT NULL,
    step        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    files       TEXT NOT NULL DEFAULT '[]',   -- JSON array of paths
    count       INTEGER NOT NULL DEFAULT 0,   -- letters in it, once written
    written_at  TEXT NOT NULL DEFAULT '',
    mailed_at   TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT ''      -- the sender-lock token of the process writing it
);
CREATE INDEX letter_batches_waiting ON letter_batches(mailed_at, written_at);

-- A printed letter's batch; NULL for everything else.
ALTER TABLE sends ADD COLUMN batch_id INTEGER REFERENCES letter_batches(id);
CREATE INDEX sends_batch ON sends(batch_id) WHERE batch_id IS NOT NULL;
