package localmail

import (
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
)

// Idle waits for updates like memserver's, but cannot miss an append made
// through localmail: every append nudges the user's IDLE sessions, and a
// nudged session stops memserver's wait, flushes the queued updates itself
// and waits again. Because the append is queued before the nudge is sent,
// and the flush happens after it is received, nothing stays unannounced.
func (s *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if !s.selected {
		<-stop
		return nil
	}
	nudge := s.u.watch()
	defer s.u.unwatch(nudge)
	for {
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
		done, err := s.idleUntil(w, stop, nudge)
		if done || err != nil {
			return err
		}
	}
}

// idleUntil runs memserver's Idle until stop (done) or a nudge (not done).
func (s *session) idleUntil(w *imapserver.UpdateWriter, stop <-chan struct{}, nudge <-chan struct{}) (done bool, err error) {
	inner := make(chan struct{})
	errc := make(chan error, 1)
	go func() { errc <- s.UserSession.Idle(w, inner) }()
	select {
	case <-stop:
		close(inner)
		return true, <-errc
	case <-nudge:
		close(inner)
		return false, <-errc
	case err := <-errc:
		if err != nil {
			return true, err
		}
		<-stop
		return true, nil
	}
}

func (s *session) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	data, err := s.UserSession.Append(mailbox, r, options)
	if err == nil {
		s.srv.delivered(s.u)
	}
	return data, err
}

func (s *session) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	data, err := s.UserSession.Copy(numSet, dest)
	if err == nil {
		s.srv.delivered(s.u)
	}
	return data, err
}

// Move is COPY, then STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE of
// exactly the copied UIDs. memserver's own MOVE writes its EXPUNGEs and then
// reports them again from the update queue; this way the queue reports each
// one once, before the tagged OK (RFC 6851 §3.3).
func (s *session) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	data, err := s.UserSession.Copy(numSet, dest)
	if err != nil {
		return err
	}
	uids := data.SourceUIDs
	deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.UserSession.Store(&imapserver.FetchWriter{}, uids, deleted, nil); err != nil {
		return err
	}
	if err := s.UserSession.Expunge(&imapserver.ExpungeWriter{}, &uids); err != nil {
		return err
	}
	s.srv.delivered(s.u)
	return w.WriteCopyData(data)
}
