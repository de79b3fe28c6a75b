package localmail

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

func TestBounceUnknownDomainSendsRFC3464Report(t *testing.T) {
	srv := start(t, Options{BounceUnknownDomain: "gone.test"})
	c := smtpClient(t, srv, false)
	original := note(therapist, "nobody@gone.test", "intro")
	if err := send(c, therapist, "nobody@gone.test", original); err != nil {
		t.Fatalf("the server must accept, then bounce: %v", err)
	}
	if err := send(c, therapist, "frontdesk@pediatrics.test", note(therapist, "frontdesk@pediatrics.test", "ok")); err != nil {
		t.Fatal(err)
	}
	inbox, err := srv.WaitFor(ctxT(t), therapist, "INBOX", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 {
		t.Fatalf("INBOX holds %d messages, want exactly the one bounce", len(inbox))
	}
	parts := reportParts(t, inbox[0])
	perMsg, perRcpt := deliveryStatus(t, parts["message/delivery-status"])
	if !strings.HasPrefix(perMsg.Get("Reporting-MTA"), "dns;") {
		t.Errorf("Reporting-MTA = %q", perMsg.Get("Reporting-MTA"))
	}
	for field, want := range map[string]string{
		"Final-Recipient": "rfc822; nobody@gone.test",
		"Action":          "failed",
		"Status":          "5.1.1",
	} {
		if got := perRcpt.Get(field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if !strings.Contains(perRcpt.Get("Diagnostic-Code"), "550 5.1.1") {
		t.Errorf("Diagnostic-Code = %q", perRcpt.Get("Diagnostic-Code"))
	}
	headers, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(parts["text/rfc822-headers"])))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := headers.Get("Message-Id"), "<"+messageID(original)+">"; got != want {
		t.Errorf("returned Message-ID = %q, want %q", got, want)
	}
}

// reportParts checks the report's outer shape and returns its parts' bodies
// by content type.
func reportParts(t *testing.T, raw []byte) map[string][]byte {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	typ, params, err := e.Header.ContentType()
	if err != nil || typ != "multipart/report" || params["report-type"] != "delivery-status" {
		t.Fatalf("Content-Type %q %v %v", typ, params, err)
	}
	if !strings.HasPrefix(e.Header.Get("From"), "Mail Delivery System <MAILER-DAEMON@") {
		t.Errorf("From = %q", e.Header.Get("From"))
	}
	parts := map[string][]byte{}
	mr := e.MultipartReader()
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		typ, _, _ := p.Header.ContentType()
		parts[typ], _ = io.ReadAll(p.Body)
	}
	for _, typ := range []string{"text/plain", "message/delivery-status", "text/rfc822-headers"} {
		if _, ok := parts[typ]; !ok {
			t.Errorf("no %s part", typ)
		}
	}
	return parts
}

func deliveryStatus(t *testing.T, body []byte) (perMsg, perRcpt textproto.Header) {
	t.Helper()
	r := bufio.NewReader(bytes.NewReader(body))
	perMsg, err := textproto.ReadHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	perRcpt, err = textproto.ReadHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	return perMsg, perRcpt
}

func TestNullSenderNeverGetsABounce(t *testing.T) {
	srv := start(t, Options{BounceUnknownDomain: "gone.test"})
	c := smtpClient(t, srv, false)
	if err := send(c, "", "nobody@gone.test", note(therapist, "nobody@gone.test", "auto")); err != nil {
		t.Fatal(err)
	}
	c.Quit()
	if got := srv.Messages(therapist, "INBOX"); len(got) != 0 {
		t.Errorf("a bounce of a null-sender message was delivered")
	}
}
