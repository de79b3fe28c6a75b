package invite

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
)

const meetUID = "rapport.meet-greet.invite.913e635e@whitfieldcounseling.test"

// replyWant is what ParseReply must read from one mail of the corpus.
type replyWant struct {
	story      string
	attendee   string
	partStat   PartStat
	uid        string
	stamp      string // RFC 3339 UTC
	occurrence string // RFC 3339 UTC, for an answer about one meeting
	comment    string
	notReply   bool
}

// replyCorpus lists every mail in testdata/replies; a file without an
// entry fails the test. The mails are written from RFC 5546/6047 and the
// clients' documented shapes, not copied from anyone's mailbox.
var replyCorpus = map[string]replyWant{
	"outlook_accept.eml": {story: "Outlook's Accepted: with an inline calendar and a note", attendee: "TOkafor@gracechapel.example",
		partStat: Accepted, uid: meetUID, stamp: "2026-11-12T16:15:00Z", comment: "Looking forward to it."},
	"outlook_attachment_accept.eml": {story: "Outlook on an IMAP account with the calendar only as invite.ics",
		attendee: "frontdesk@lakesidefm.example", partStat: Accepted, uid: meetUID, stamp: "2026-11-13T14:05:12Z"},
	"google_accept.eml": {story: "Google Calendar acceptance", attendee: "priya.raman.md@gmail.com", partStat: Accepted,
		uid: meetUID, stamp: "2026-11-13T15:02:10Z"},
	"google_decline.eml": {story: "Google Calendar decline", attendee: "kwame.mensah.lpc@gmail.com", partStat: Declined,
		uid: meetUID, stamp: "2026-11-14T10:15:00Z"},
	"apple_tentative.eml": {story: "Apple Calendar maybe, quoted-printable attachment", attendee: "anita@hollowayfamilytherapy.example",
		partStat: Tentative, uid: meetUID, stamp: "2026-11-14T15:30:12Z"},
	"thunderbird_accept.eml": {story: "Thunderbird acceptance with a long UTF-8 name folded mid-line", attendee: "j.weiss@praxis-weiss.example",
		partStat: Accepted, uid: meetUID, stamp: "2026-11-15T08:15:00Z"},
	"changed_mind_1_accept.eml": {story: "first answer of a changed mind", attendee: "mvalencia@northsideschools.example",
		partStat: Accepted, uid: meetUID, stamp: "2026-11-12T18:00:00Z"},
	"changed_mind_2_decline.eml": {story: "second answer of a changed mind", attendee: "mvalencia@northsideschools.example",
		partStat: Declined, uid: meetUID, stamp: "2026-11-20T09:02:00Z"},
	"outlook_decline_one_meeting.eml": {story: "one meeting of the monthly group declined, time in a Windows zone name",
		attendee: "slindqvist@firstlutheran.example", partStat: Declined,
		uid: "rapport.consult-group.invite.913e635e@whitfieldcounseling.test", stamp: "2026-12-01T12:00:00Z",
		occurrence: "2027-01-15T01:00:00Z", comment: "Out of town that week, see you in February."},
	"copied_attendee_list.eml": {story: "a reply that copies every attendee, the organizer first", attendee: "lchen@chenpeds.example",
		partStat: Declined, uid: meetUID, stamp: "2026-11-16T11:00:00Z"},
	"forwarded_request.eml": {story: "a forwarded invitation is not an answer", notReply: true},
}

func TestRepliesFromEveryCalendar(t *testing.T) {
	files, _ := filepath.Glob("testdata/replies/*.eml")
	if len(files) < len(replyCorpus) {
		t.Fatalf("%d files for %d entries", len(files), len(replyCorpus))
	}
	for _, path := range files {
		name := filepath.Base(path)
		w, ok := replyCorpus[name]
		if !ok {
			t.Errorf("%s has no entry in replyCorpus", name)
			continue
		}
		t.Run(w.story, func(t *testing.T) {
			r, err := ParseReply(calendarPart(t, path))
			if w.notReply {
				if !errors.Is(err, ErrNotReply) {
					t.Fatalf("got %+v, %v; want ErrNotReply", r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := []string{r.Attendee, string(r.PartStat), r.UID, rfc3339(r.Stamp), rfc3339(r.Occurrence), r.Comment}
			want := []string{w.attendee, string(w.partStat), w.uid, w.stamp, w.occurrence, w.comment}
			for i, field := range []string{"Attendee", "PartStat", "UID", "Stamp", "Occurrence", "Comment"} {
				if got[i] != want[i] {
					t.Errorf("%s = %q, want %q", field, got[i], want[i])
				}
			}
		})
	}
}

func TestChangedMindLatestAnswerStands(t *testing.T) {
	accept := mustReply(t, "testdata/replies/changed_mind_1_accept.eml")
	decline := mustReply(t, "testdata/replies/changed_mind_2_decline.eml")
	for _, order := range [][]*Reply{{accept, decline}, {decline, accept}} {
		var standing *Reply
		for _, r := range order {
			if standing == nil || r.Supersedes(standing) {
				standing = r
			}
		}
		if standing.PartStat != Declined {
			t.Errorf("read in order %s then %s: the standing answer is %s, want the later decline",
				order[0].PartStat, order[1].PartStat, standing.PartStat)
		}
	}
	t.Run("an answer to a newer revision wins over a later stamp on an older one", func(t *testing.T) {
		older := &Reply{Sequence: 0, Stamp: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
		newer := &Reply{Sequence: 1, Stamp: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}
		if !newer.Supersedes(older) || older.Supersedes(newer) {
			t.Error("SEQUENCE must decide before DTSTAMP")
		}
	})
}

func TestParseReplyRefusesWhatIsNotAReply(t *testing.T) {
	for story, body := range map[string]string{
		"no calendar at all":    "Thanks, see you there!",
		"empty":                 "",
		"a broken calendar":     "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT\r\n",
		"a reply with no event": "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n",
		"a cancellation":        "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
	} {
		t.Run(story, func(t *testing.T) {
			if r, err := ParseReply([]byte(body)); !errors.Is(err, ErrNotReply) {
				t.Errorf("got %+v, %v", r, err)
			}
		})
	}
}

func mustReply(t *testing.T, path string) *Reply {
	t.Helper()
	r, err := ParseReply(calendarPart(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// calendarPart returns the first calendar in a mail, inline or attached,
// the way the inbox looks for one.
func calendarPart(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		t.Fatal(err)
	}
	var found []byte
	_ = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil || found != nil {
			return err
		}
		typ, params, _ := p.Header.ContentType()
		_, dp, _ := p.Header.ContentDisposition()
		if typ == "text/calendar" || typ == "application/ics" || strings.HasSuffix(params["name"]+dp["filename"], ".ics") {
			found, _ = io.ReadAll(p.Body)
		}
		return nil
	})
	if found == nil {
		t.Fatalf("%s: no calendar part", path)
	}
	return found
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
