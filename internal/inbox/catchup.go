package inbox

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/store"
)

// catchUpAll processes what is new in the junk folder, then in the inbox,
// leaving the inbox selected for IDLE. Each result goes to emit (when not
// nil) and to OnResult.
func (w *Watcher) catchUpAll(ctx context.Context, c *imapclient.Client, junk string, emit func(Result)) error {
	pass := catchUpPass{c: c, emit: emit}
	if junk != "" && junk != w.o.Mailbox {
		if err := w.catchUp(ctx, pass, junk); err != nil {
			w.o.Log.Warn("junk_check_failed", "mailbox", junk, "error", err.Error())
		}
	}
	return w.catchUp(ctx, pass, w.o.Mailbox)
}

// catchUpPass is one pass over the mailboxes: the connection, and who
// hears of each result besides OnResult.
type catchUpPass struct {
	c    *imapclient.Client
	emit func(Result)
}

var headerSection = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}

// catchUp selects a mailbox and processes every message after the last UID
// processed. A new UIDVALIDITY means the server renumbered the mailbox:
// everything is looked at again, and what was processed before is known by
// its Message-ID and changes nothing.
func (w *Watcher) catchUp(ctx context.Context, p catchUpPass, mailbox string) error {
	sel, err := p.c.Select(mailbox, &imap.SelectOptions{ReadOnly: w.o.Processed == ""}).Wait()
	if err != nil {
		return fmt.Errorf("select %s: %w", mailbox, err)
	}
	pos, err := w.st.Mailbox(ctx, mailbox)
	if err != nil {
		return err
	}
	if pos.UIDValidity != sel.UIDValidity {
		if pos.UIDValidity != 0 {
			w.o.Log.Warn("uidvalidity_changed", "mailbox", mailbox, "old", pos.UIDValidity, "new", sel.UIDValidity)
		}
		pos = store.MailboxState{Name: mailbox, UIDValidity: sel.UIDValidity}
		if err := w.st.SetMailbox(ctx, pos); err != nil {
			return err
		}
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= pos.LastUID+1) {
		return nil
	}
	return w.fetchFrom(ctx, p, mailbox, sel.UIDValidity, pos.LastUID, uint32(sel.UIDNext))
}

// fetchFrom processes messages with UID above last, in batches, headers
// first.
func (w *Watcher) fetchFrom(ctx context.Context, p catchUpPass, mailbox string, validity, last, uidNext uint32) error {
	for ctx.Err() == nil {
		var set imap.UIDSet
		set.AddRange(imap.UID(last+1), imap.UID(last+uint32(w.o.BatchSize)))
		msgs, err := p.c.Fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{headerSection}}).Collect()
		if err != nil {
			return fmt.Errorf("fetch %s: %w", mailbox, err)
		}
		n := 0
		for _, m := range msgs {
			// UID n:* may return the highest message even below n (RFC 3501
			// §6.4.8): filter ourselves.
			if uint32(m.UID) <= last {
				continue
			}
			if err := w.one(ctx, p, mailbox, validity, m); err != nil {
				return err
			}
			last, n = uint32(m.UID), n+1
		}
		if n == 0 {
			// An empty batch: the end, or a gap of expunged messages
			// when the server's UIDNEXT says more exist.
			if uidNext == 0 || last+uint32(w.o.BatchSize) >= uidNext-1 {
				return nil
			}
			last += uint32(w.o.BatchSize)
		}
	}
	return ctx.Err()
}

func (w *Watcher) one(ctx context.Context, p catchUpPass, mailbox string, validity uint32, m *imapclient.FetchMessageBuffer) error {
	uid := m.UID
	msg := newMail{Mailbox: mailbox, UIDValidity: validity, UID: uint32(uid), Header: m.FindBodySection(headerSection),
		Body: func(ctx context.Context) ([]byte, error) { return fetchBody(p.c, uid) }}
	r, err := w.proc.process(ctx, msg)
	if err != nil {
		return err
	}
	w.o.Log.Info("inbound", "mailbox", mailbox, "uid", uint32(uid), "class", string(r.Class), "contact", r.Contact,
		"contact_id", r.ContactID, "stage_from", r.StageFrom, "stage_to", r.StageTo, "duplicate", r.Duplicate)
	if p.emit != nil {
		p.emit(r)
	}
	if w.o.OnResult != nil {
		w.o.OnResult(r)
	}
	if w.o.Processed != "" && r.Contact != "" && !r.Duplicate {
		if _, err := p.c.Move(imap.UIDSetNum(uid), w.o.Processed).Wait(); err != nil {
			w.o.Log.Warn("move_failed", "uid", uint32(uid), "contact", r.Contact, "to", w.o.Processed, "error", err.Error())
		}
	}
	return nil
}

var wholeSection = &imap.FetchItemBodySection{Peek: true}

func fetchBody(c *imapclient.Client, uid imap.UID) ([]byte, error) {
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true,
		BodySection: []*imap.FetchItemBodySection{wholeSection}}).Collect()
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("message %d is gone", uid)
	}
	return msgs[0].FindBodySection(wholeSection), nil
}
