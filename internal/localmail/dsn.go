package localmail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strings"
	"time"
)

// bounce is a delivery failure waiting to be reported to its sender.
type bounce struct {
	sender   string   // MAIL FROM of the original
	rcpts    []string // the recipients that failed
	original []byte
}

const daemonDomain = "localmail.invalid"

// bounces reports whether mail to rcpt bounces (Options.BounceUnknownDomain).
func (s *Server) bounces(rcpt string) bool {
	d := strings.ToLower(s.opts.BounceUnknownDomain)
	_, domain, _ := strings.Cut(strings.ToLower(rcpt), "@")
	return d != "" && domain == d
}

// sendBounce delivers an RFC 3464 report to the sender's INBOX when the
// sender (MAIL FROM, else the From header) is a local user. A null sender
// never gets one (RFC 5321 §6.1: no bounces of bounces).
func (s *Server) sendBounce(b bounce) {
	to := b.sender
	if to == "" {
		return
	}
	if s.user(to) == nil {
		to = headerFrom(b.original)
	}
	if to == "" || s.user(to) == nil {
		return
	}
	_ = s.Deliver(to, dsn(s.now(), to, b))
}

func headerFrom(raw []byte) string {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	a, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil {
		return ""
	}
	return a.Address
}

// dsn builds a multipart/report; report-type=delivery-status (RFC 3464 and
// RFC 6522) shaped like Postfix's: a human part, the machine-readable
// message/delivery-status, and the original's headers as text/rfc822-headers.
func dsn(now time.Time, to string, b bounce) []byte {
	boundary := randomHex(12)
	var w bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&w, format+"\r\n", args...) }
	line("From: Mail Delivery System <MAILER-DAEMON@%s>", daemonDomain)
	line("To: <%s>", to)
	line("Subject: Undelivered Mail Returned to Sender")
	line("Date: %s", now.Format(time.RFC1123Z))
	line("Message-ID: <%s.%s@%s>", now.UTC().Format("20060102150405"), randomHex(6), daemonDomain)
	line("Auto-Submitted: auto-replied")
	line("MIME-Version: 1.0")
	line("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"%s\"", boundary)
	line("")
	line("This is a MIME-encapsulated message.")
	line("")
	line("--%s", boundary)
	humanPart(line, b)
	line("--%s", boundary)
	statusPart(line, now, b)
	line("--%s", boundary)
	line("Content-Type: text/rfc822-headers")
	line("")
	w.Write(headerBlock(b.original))
	line("--%s--", boundary)
	return w.Bytes()
}

func humanPart(line func(string, ...any), b bounce) {
	line("Content-Type: text/plain; charset=us-ascii")
	line("Content-Description: Notification")
	line("")
	line("This is the mail system at host %s.", daemonDomain)
	line("")
	line("I'm sorry to have to inform you that your message could not")
	line("be delivered to one or more recipients.")
	line("")
	for _, r := range b.rcpts {
		line("<%s>: host mx.%s said: 550 5.1.1 <%s>: Recipient address", r, domainOf(r), r)
		line("    rejected: User unknown in virtual mailbox table")
	}
	line("")
}

func statusPart(line func(string, ...any), now time.Time, b bounce) {
	line("Content-Type: message/delivery-status")
	line("Content-Description: Delivery report")
	line("")
	line("Reporting-MTA: dns; %s", daemonDomain)
	line("Arrival-Date: %s", now.Format(time.RFC1123Z))
	for _, r := range b.rcpts {
		line("")
		line("Final-Recipient: rfc822; %s", r)
		line("Original-Recipient: rfc822;%s", r)
		line("Action: failed")
		line("Status: 5.1.1")
		line("Remote-MTA: dns; mx.%s", domainOf(r))
		line("Diagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected:", r)
		line("    User unknown in virtual mailbox table")
	}
	line("")
}

// headerBlock is raw's header section with its terminating empty line.
func headerBlock(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+4]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		h := bytes.ReplaceAll(raw[:i+2], []byte("\r\n"), []byte("\n"))
		return bytes.ReplaceAll(h, []byte("\n"), []byte("\r\n"))
	}
	return append(bytes.TrimRight(raw, "\r\n"), "\r\n\r\n"...)
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return d
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
