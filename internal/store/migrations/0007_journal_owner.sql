-- Which process claimed a row: "sending" means "in flight" while that
-- process still holds the store's sender lock, and "uncertain" once it is
-- gone (a crash). The token is the lock holder's, not a bare pid, so a pid
-- reused after a reboot is never mistaken for the sender.
ALTER TABLE sends ADD COLUMN owner TEXT NOT NULL DEFAULT '';
