package mailer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/textproto"
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
// IMAP connection; calls are serialised. After a timeout or a cancelled
// context the connection is closed and every later call fails: open a new
// SentFolder.
type SentFolder struct {
	mu      sync.Mutex
	c       *imapclient.Client
	name    string
	timeout time.Duration
}

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
	return &SentFolder{c: c, name: name, timeout: timeout}, nil
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
// when as its date.
func (f *SentFolder) Append(ctx context.Context, raw []byte, when time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.guard(ctx)()
	cmd := f.c.Append(f.name, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: when})
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return fmt.Errorf("append to %s: %w", f.name, err)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", f.name, err)
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("append to %s: %w", f.name, err)
	}
	return nil
}

// Find reports, for each Message-ID (without <>), whether a message with
// exactly that ID is in the Sent folder. It runs UID SEARCH HEADER
// Message-ID per ID (ASCII only, so no CHARSET, which Exchange refuses),
// then fetches the candidates' Message-ID header and compares it exactly,
// because servers match substrings.
func (f *SentFolder) Find(ctx context.Context, messageIDs []string) (map[string]bool, error) {
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

func (f *SentFolder) has(id string) (bool, error) {
	if err := checkID("Message-ID", id, true); err != nil {
		return false, err
	}
	criteria := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}
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

// verify fetches the Message-ID headers of uids and looks for id exactly.
func (f *SentFolder) verify(uids []imap.UID, id string) (bool, error) {
	section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
	msgs, err := f.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return false, fmt.Errorf("fetch from %s: %w", f.name, err)
	}
	for _, m := range msgs {
		if headerMessageID(m.FindBodySection(section)) == id {
			return true, nil
		}
	}
	return false, nil
}

func headerMessageID(header []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(header, "\r\n"...)))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	v := strings.TrimSpace(h.Get("Message-Id"))
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">"))
}

// Close logs out and closes the connection.
func (f *SentFolder) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
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
