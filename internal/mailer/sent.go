package mailer

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/imapconn"
)

// SentFolder is the user's IMAP Sent mailbox: rapport files a copy of each
// note there (unless the provider does, see ProviderSavesSent), and after a
// crash looks there for messages whose fate it does not know. It holds one
// IMAP connection. Copies are pipelined: Copy hands the APPEND to the
// server and returns without waiting for its answer, so filing 2,000
// copies costs no round trip each; Flush waits for the answers. After a
// timeout or a cancelled context the connection is closed and every later
// call fails: open a new SentFolder.
type SentFolder struct {
	mu      sync.Mutex // serialises the commands written on c
	c       *imapclient.Client
	name    string
	timeout time.Duration
	o       imapconn.Options

	// Batched copies, on a second connection (imapconn.Appender) when the
	// server offers MULTIAPPEND: one APPEND per batch. appendOnce decides,
	// at the first copy, whether it does.
	appendOnce sync.Once
	appender   *imapconn.Appender // nil: one APPEND per copy on c
	qmu        sync.Mutex
	queue      []imapconn.AppendMessage
	queued     int // bytes gathered since the last kick
	kick       chan struct{}

	// Copies in flight: their answers are read, in order, by one waiter.
	waitOnce sync.Once
	inflight chan *imapclient.AppendCommand
	pending  sync.WaitGroup
	answered chan struct{} // a copy got its answer: the server is moving
	closed   bool          // Close was called (guarded by mu)
	errMu    sync.Mutex
	failed   int
	lastErr  error
}

// maxInflightCopies bounds the APPENDs written but not yet answered.
const maxInflightCopies = 64

// OpenSentFolder logs in and finds the Sent mailbox: name if given, else
// the one marked \Sent, else one of the usual names.
func OpenSentFolder(ctx context.Context, o imapconn.Options, name string) (*SentFolder, error) {
	c, err := imapconn.Dial(ctx, o)
	if err != nil {
		return nil, err
	}
	if name == "" {
		if name, err = imapconn.FindSpecialUse(c, imap.MailboxAttrSent); err != nil {
			c.Close()
			return nil, fmt.Errorf("find the Sent folder: %w", err)
		}
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = imapconn.DefaultTimeout
	}
	return &SentFolder{c: c, name: name, timeout: timeout, o: o, inflight: make(chan *imapclient.AppendCommand, maxInflightCopies),
		answered: make(chan struct{}, 1), kick: make(chan struct{}, 1)}, nil
}

// Name is the mailbox the copies go to.
func (f *SentFolder) Name() string { return f.name }

// guard closes the connection if ctx ends or the timeout passes before
// the returned func is called: imapclient has no contexts.
func (f *SentFolder) guard(ctx context.Context) func() {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	stop := context.AfterFunc(ctx, func() { f.c.Close() })
	return func() { stop(); cancel() }
}

// Append files raw (see Render) in the Sent folder, flagged \Seen, with
// when as its date, and waits for the server's answer.
func (f *SentFolder) Append(ctx context.Context, raw []byte, when time.Time) error {
	f.Copy(raw, when)
	return f.Flush(ctx)
}

// Copy files raw in the Sent folder, flagged \Seen, with when as its date,
// without waiting for the server's answer; Flush reports failures. With a
// server that takes many messages in one APPEND (MULTIAPPEND), copies are
// gathered and filed in batches on a connection of their own at each
// Flush, which the sender calls whenever it pauses (a wait for the next
// slot, the end of a run), or when much has gathered. A server that stores
// each message durably (Dovecot) then does it once per batch, and not
// while the same server is busy taking the notes themselves: measured
// here, 500 copies filed during a 2,000-note send took 3.6 s and slowed
// the send by half; filed after it, 0.3 s.
// Without MULTIAPPEND each copy is an APPEND pipelined on this connection,
// and Copy blocks only when many already wait for their answers.
func (f *SentFolder) Copy(raw []byte, when time.Time) {
	f.appendOnce.Do(f.openAppender)
	f.pending.Add(1)
	if f.appender != nil {
		f.qmu.Lock()
		f.queue = append(f.queue, imapconn.AppendMessage{Raw: raw, Time: when, Flags: []string{string(imap.FlagSeen)}})
		f.queued += len(raw)
		full := f.queued >= maxGathered
		if full {
			f.queued = 0
		}
		f.qmu.Unlock()
		if full {
			f.kickAppender()
		}
		return
	}
	f.waitOnce.Do(func() { go f.waitCopies() })
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		f.fail(errors.New("the Sent folder connection is closed"))
		f.pending.Done()
		return
	}
	cmd := f.c.Append(f.name, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: when})
	_, err := cmd.Write(raw)
	if cerr := cmd.Close(); err == nil {
		err = cerr
	}
	f.mu.Unlock()
	if err != nil {
		f.fail(err)
		f.pending.Done()
		return
	}
	f.inflight <- cmd
}

// openAppender opens the batch connection if the server can take batches;
// if it cannot (or the connection fails), copies go one APPEND each.
func (f *SentFolder) openAppender() {
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	a, err := imapconn.DialAppender(ctx, f.o)
	if err != nil {
		return
	}
	f.appender = a
	go f.appendBatches()
}

func (f *SentFolder) kickAppender() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// maxGathered is how much Copy gathers before it files without waiting for
// a Flush: a long unpaced run keeps no more than this in memory.
const maxGathered = 32 << 20

// maxBatch bounds one APPEND: how many copies, and how many bytes.
const (
	maxBatchCopies = 500
	maxBatchBytes  = 8 << 20
)

// appendBatches files the queued copies, a batch per APPEND: while one
// batch is being stored, the next one gathers.
func (f *SentFolder) appendBatches() {
	for range f.kick {
		for {
			batch := f.takeBatch()
			if len(batch) == 0 {
				break
			}
			if err := f.appender.Append(f.name, batch); err != nil {
				f.failN(len(batch), err)
			}
			f.pending.Add(-len(batch))
			select {
			case f.answered <- struct{}{}:
			default:
			}
		}
	}
}

func (f *SentFolder) takeBatch() []imapconn.AppendMessage {
	f.qmu.Lock()
	defer f.qmu.Unlock()
	n, size := 0, 0
	for n < len(f.queue) && n < maxBatchCopies && (n == 0 || size+len(f.queue[n].Raw) <= maxBatchBytes) {
		size += len(f.queue[n].Raw)
		n++
	}
	batch := f.queue[:n:n]
	f.queue = f.queue[n:]
	return batch
}

// waitCopies reads the answers to the copies, in the order they went.
func (f *SentFolder) waitCopies() {
	for cmd := range f.inflight {
		if _, err := cmd.Wait(); err != nil {
			f.fail(err)
		}
		select {
		case f.answered <- struct{}{}:
		default:
		}
		f.pending.Done()
	}
}

func (f *SentFolder) fail(err error) { f.failN(1, err) }

func (f *SentFolder) failN(n int, err error) {
	f.errMu.Lock()
	f.failed += n
	f.lastErr = err
	f.errMu.Unlock()
}

// Flush waits until every copy handed to Copy has its answer, and says how
// many failed since the last Flush (with the last error). A server that
// answers nothing for the timeout is cut off.
func (f *SentFolder) Flush(ctx context.Context) error {
	if f.appender != nil {
		f.qmu.Lock()
		f.queued = 0
		f.qmu.Unlock()
		f.kickAppender() // file what was gathered
	}
	done := make(chan struct{})
	go func() { f.pending.Wait(); close(done) }()
	idle := time.NewTimer(f.timeout)
	defer idle.Stop()
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-f.answered:
			idle.Reset(f.timeout)
		case <-ctx.Done():
			f.c.Close()
			<-done
			waiting = false
		case <-idle.C:
			f.c.Close()
			<-done
			waiting = false
		}
	}
	f.errMu.Lock()
	defer f.errMu.Unlock()
	if f.failed == 0 {
		return nil
	}
	err := fmt.Errorf("%d copies could not be filed in %s: %w", f.failed, f.name, f.lastErr)
	if f.failed == 1 {
		err = fmt.Errorf("a copy could not be filed in %s: %w", f.name, f.lastErr)
	}
	f.failed, f.lastErr = 0, nil
	return err
}

// Find reports, for each Message-ID (without <>), whether a message with
// exactly that ID is in the Sent folder. It runs UID SEARCH HEADER per ID
// (ASCII only, so no CHARSET, which Exchange refuses), then fetches the
// candidates' headers and compares exactly, because servers match
// substrings. Exchange and Microsoft 365 give the Sent copy a Message-ID
// of their own and keep ours in X-Microsoft-Original-Message-ID: both are
// searched.
func (f *SentFolder) Find(ctx context.Context, messageIDs []string) (map[string]bool, error) {
	if err := f.Flush(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	done := f.guard(ctx)
	_, err := f.c.Select(f.name, &imap.SelectOptions{ReadOnly: true}).Wait()
	done()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", f.name, err)
	}
	found := make(map[string]bool, len(messageIDs))
	for _, id := range messageIDs {
		done := f.guard(ctx) // per ID: a long list must not hit one timeout
		ok, err := f.has(id)
		done()
		if err != nil {
			return nil, err
		}
		found[id] = ok
	}
	return found, nil
}

// idHeaders are the headers that may hold our Message-ID in a Sent copy.
var idHeaders = []string{"Message-ID", "X-Microsoft-Original-Message-ID"}

func (f *SentFolder) has(id string) (bool, error) {
	if err := checkID("Message-ID", id, true); err != nil {
		return false, err
	}
	criteria := &imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{
		{Header: []imap.SearchCriteriaHeaderField{{Key: idHeaders[0], Value: id}}},
		{Header: []imap.SearchCriteriaHeaderField{{Key: idHeaders[1], Value: id}}},
	}}}
	data, err := f.c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return false, fmt.Errorf("search %s for %s: %w", f.name, id, err)
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return false, nil
	}
	return f.verify(uids, id)
}

// verify fetches the ID headers of uids and looks for id exactly.
func (f *SentFolder) verify(uids []imap.UID, id string) (bool, error) {
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: idHeaders, Peek: true}
	msgs, err := f.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return false, fmt.Errorf("fetch from %s: %w", f.name, err)
	}
	for _, m := range msgs {
		if slices.Contains(headerIDs(m.FindBodySection(section)), id) {
			return true, nil
		}
	}
	return false, nil
}

// headerIDs are the message IDs the header block holds, without <>.
func headerIDs(header []byte) []string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(header, "\r\n"...)))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return nil
	}
	var out []string
	for _, name := range idHeaders {
		v := strings.TrimSpace(h.Get(name))
		if v = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Close waits for the copies in flight, logs out and closes the
// connection.
func (f *SentFolder) Close() error {
	f.Flush(context.Background())
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed = true
		close(f.inflight)
		close(f.kick)
		if f.appender != nil {
			f.appender.Close()
		}
	}
	done := f.guard(context.Background())
	f.c.Logout().Wait()
	done()
	return f.c.Close()
}

// ProviderSavesSent reports whether the provider behind smtpHost files a
// copy of every message sent through it in Sent by itself, so that rapport
// must not append one (it would appear twice): Gmail and Google Workspace,
// Microsoft 365 and Outlook.com.
func ProviderSavesSent(smtpHost string) bool {
	switch strings.TrimSuffix(strings.ToLower(strings.TrimSpace(smtpHost)), ".") {
	case "smtp.gmail.com", "smtp.googlemail.com", "smtp.office365.com", "smtp-mail.outlook.com":
		return true
	}
	return false
}
