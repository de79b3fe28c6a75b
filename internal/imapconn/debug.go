package imapconn

import (
	"bytes"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// debugLog writes the protocol, one "C: " or "S: " line at a time, to w.
// It sits above TLS, so it sees clear text, and it reads the two directions
// separately, so a server reply can never split a client line and let a
// password slip past the redaction. A nil *debugLog does nothing.
type debugLog struct {
	mu sync.Mutex
	w  io.Writer
}

func newDebugLog(w io.Writer) *debugLog {
	if w == nil {
		return nil
	}
	return &debugLog{w: w}
}

func (d *debugLog) line(prefix, s string) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	io.WriteString(d.w, prefix+s+"\n")
}

func (d *debugLog) client(s string) { d.line("C: ", s) }
func (d *debugLog) server(s string) { d.line("S: ", s) }

// wrap logs what passes through c; with a nil log it returns c.
func (d *debugLog) wrap(c net.Conn) net.Conn {
	if d == nil {
		return c
	}
	return &debugConn{
		Conn: c,
		in:   &lineSplitter{emit: d.server},
		out:  &lineSplitter{emit: d.client, redact: &redactor{}},
	}
}

type debugConn struct {
	net.Conn
	in, out *lineSplitter
}

func (c *debugConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.write(p[:n])
	return n, err
}

func (c *debugConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.write(p[:n])
	return n, err
}

// lineSplitter cuts one direction's bytes into lines. With a redactor, the
// bytes of a secret literal are swallowed by count, not by line, so a
// password containing a line break cannot escape.
type lineSplitter struct {
	mu     sync.Mutex
	buf    []byte
	emit   func(string)
	redact *redactor
}

func (s *lineSplitter) write(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	for {
		if r := s.redact; r != nil && r.skip > 0 {
			n := min(r.skip, len(s.buf))
			s.buf, r.skip = s.buf[n:], r.skip-n
			if r.skip > 0 {
				return
			}
		}
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return
		}
		line := strings.TrimRight(string(s.buf[:i]), "\r")
		s.buf = s.buf[i+1:]
		show := true
		if s.redact != nil {
			line, show = s.redact.line(line)
		}
		if show {
			s.emit(line)
		}
	}
}

var (
	secretCmd = regexp.MustCompile(`(?i)^(\S+ (?:UID )?)(LOGIN|AUTHENTICATE)(?:\s+(\S+))?`)
	literal   = regexp.MustCompile(`\{(\d+)\+?\}$`)
)

// redactor follows the client's side of LOGIN and AUTHENTICATE.
type redactor struct {
	skip    int  // bytes of a secret literal still to swallow
	inLogin bool // the rest of a LOGIN command, after a literal, is secret
	inSASL  bool // client lines are SASL responses until a command
}

// line returns what to log for a client line, and false to log nothing.
func (r *redactor) line(line string) (string, bool) {
	if r.inLogin {
		r.afterSecret(line)
		return "", false
	}
	if r.inSASL && !strings.Contains(line, " ") {
		return "<redacted>", true
	}
	r.inSASL = false
	m := secretCmd.FindStringSubmatch(line)
	if m == nil {
		return line, true
	}
	shown := m[1] + strings.ToUpper(m[2]) + " <redacted>"
	if strings.EqualFold(m[2], "AUTHENTICATE") {
		shown = m[1] + "AUTHENTICATE " + m[3] + " <redacted>"
		r.inSASL = true
	}
	r.afterSecret(line)
	return shown, true
}

// afterSecret arms the swallowing of a literal the secret line announces.
func (r *redactor) afterSecret(line string) {
	m := literal.FindStringSubmatch(line)
	if m == nil {
		r.inLogin = false
		return
	}
	n, _ := strconv.Atoi(m[1])
	r.skip, r.inLogin = n, true
}
