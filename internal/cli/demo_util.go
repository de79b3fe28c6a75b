package cli

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"net/textproto"
)

// lineLimit passes the first left lines through and drops the rest.
type lineLimit struct {
	w    io.Writer
	left int
	cut  bool
}

func (l *lineLimit) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && l.left > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			i = len(p) - 1
		}
		if _, err := l.w.Write(bytes.TrimRight(p[:i+1], "\r")); err != nil {
			return 0, err
		}
		if p[i] == '\n' {
			l.left--
		}
		p = p[i+1:]
	}
	if len(p) > 0 {
		l.cut = true
	}
	return n, nil
}

// headerValue reads one decoded header of a raw message.
func headerValue(raw []byte, key string) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return ""
	}
	v := h.Get(key)
	if dec, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
		return dec
	}
	return v
}
