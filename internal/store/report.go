package store

import (
	"cmp"
	"context"
	"slices"
	"time"

	"rapport/internal/contact"
)

// ReportSend is a journal row as the report needs it.
type ReportSend struct {
	ID        int64
	Campaign  string
	Step      string
	ContactID int64
	State     contact.SendState
	At        time.Time // when it went out, was printed, or failed
}

// Reaction is what came of a note: a reply (RSVPs included), an
// out-of-office answer, an opt-out, or a hard bounce (the contact moved to
// bounced, by a bounce report or by the server refusing the address).
type Reaction struct {
	ContactID int64
	SendID    int64 // the note it answers, when known; else 0
	At        time.Time
	Kind      string // "reply", "auto-reply", "opt-out", "bounce"
}

// FirstNote is the first note rapport sent a contact.
type FirstNote struct {
	At       time.Time
	Campaign string
}

// ReportQuery says what a report needs: the start of its period (zero:
// all time), and the keep-in-touch rules at Now.
type ReportQuery struct {
	Since time.Time
	Rules *contact.TouchRules
	Now   time.Time
}

// ReportData is what `rapport report` is computed from.
type ReportData struct {
	Stages map[contact.Stage]int
	Kinds  map[string]int // contacts of each kind
	// Sends are the sent, printed or failed rows from Since on (later
	// ones too: an answer is tied to the latest note before it), oldest
	// first; Reactions are those from Since on.
	Sends     []ReportSend
	Reactions []Reaction
	Referrals []Referral // all of them, newest day first: first referrals need them
	// Sources are the contacts who sent referrals (their names,
	// organization, kind and email only), and FirstNotes the first note
	// each of them got.
	Sources    map[int64]*contact.Contact
	FirstNotes map[int64]FirstNote
	Touches    []TouchItem // those due for a touch at Now
}

// ReportData reads what a report needs. The independent reads run side by
// side on their own connections (WAL lets them), each from its own
// snapshot: a note recorded meanwhile may show in one part and not in
// another, which a report a second old can afford.
func (s *Store) ReportData(ctx context.Context, q ReportQuery) (*ReportData, error) {
	d := &ReportData{Stages: map[contact.Stage]int{}, Kinds: map[string]int{}, Sources: map[int64]*contact.Contact{},
		FirstNotes: map[int64]FirstNote{}}
	since := fmtTime(q.Since)
	err := parallel(ctx,
		func(ctx context.Context) error { return s.reportCounts(ctx, d) },
		func(ctx context.Context) error { return s.reportSends(ctx, d, since) },
		func(ctx context.Context) error { return s.reportReactions(ctx, d, since) },
		func(ctx context.Context) error { return s.reportReferrals(ctx, d) },
		func(ctx context.Context) error { return s.reportFirstNotes(ctx, d) },
		func(ctx context.Context) (err error) {
			d.Touches, err = s.touches(ctx, q.Rules, q.Now, true)
			return err
		})
	if err != nil {
		return nil, wrapErr(err, "read the report's data")
	}
	return d, nil
}

// parallel runs fns at once and returns the first error; the others are
// cancelled.
func parallel(ctx context.Context, fns ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(fns))
	for _, fn := range fns {
		go func() { errs <- fn(ctx) }()
	}
	var first error
	for range fns {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

func (s *Store) reportCounts(ctx context.Context, d *ReportData) error {
	// One pass over the table beats walking the stage index and looking
	// up every row's kind.
	rows, err := s.db.QueryContext(ctx, "SELECT stage, kind, count(*) FROM contacts NOT INDEXED GROUP BY stage, kind")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var stage, kind string
		var n int
		if err := rows.Scan(&stage, &kind, &n); err != nil {
			return err
		}
		d.Stages[contact.Stage(stage)] += n
		d.Kinds[kind] += n
	}
	return rows.Err()
}

func (s *Store) reportSends(ctx context.Context, d *ReportData, since string) error {
	var err error
	d.Sends, err = queryAll(ctx, s.db, func(r scanner) (ReportSend, error) {
		var x ReportSend
		var at string
		err := r.Scan(&x.ID, &x.Campaign, &x.Step, &x.ContactID, &x.State, &at)
		x.At = parseTime(at)
		return x, err
	}, `SELECT id, campaign, step, contact_id, state, sent_at FROM sends
		WHERE sent_at != '' AND sent_at >= ?1 AND +state IN ('sent', 'printed')
		UNION ALL
		SELECT id, campaign, step, contact_id, state, updated_at FROM sends WHERE state = 'failed' AND updated_at >= ?1`, since)
	slices.SortFunc(d.Sends, func(a, b ReportSend) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return err
}

// reportReactions reads replies, RSVPs and out-of-office answers from the
// processed mail, and hard bounces and opt-outs from the automatic stage
// moves they caused: a soft bounce or a second opt-out moves nobody and is
// not counted. A move names its message: ours (the server refused the
// address) or the one that came in.
func (s *Store) reportReactions(ctx context.Context, d *ReportData, since string) error {
	scan := func(r scanner) (Reaction, error) {
		var x Reaction
		var at string
		err := r.Scan(&x.ContactID, &x.SendID, &at, &x.Kind)
		x.At = parseTime(at)
		return x, err
	}
	mail, err := queryAll(ctx, s.db, scan, `SELECT contact_id, COALESCE(send_id, 0),
		CASE WHEN received_at != '' THEN received_at ELSE processed_at END AS t,
		CASE WHEN class LIKE 'rsvp-%' THEN 'reply' ELSE class END
		FROM inbound WHERE contact_id IS NOT NULL AND class IN ('reply', 'rsvp-yes', 'rsvp-no', 'auto-reply') AND t >= ?`, since)
	if err != nil {
		return err
	}
	moves, err := queryAll(ctx, s.db, scan, `SELECT e.contact_id, COALESCE(sd.id, i.send_id, 0), e.at,
		CASE e.to_stage WHEN 'bounced' THEN 'bounce' ELSE 'opt-out' END
		FROM events e
		LEFT JOIN sends sd ON sd.message_id = e.message_id AND sd.message_id != ''
		LEFT JOIN inbound i ON i.message_id = e.message_id AND i.message_id != ''
		WHERE e.type = 'stage' AND e.auto = 1 AND e.to_stage IN ('bounced', 'opted-out') AND e.at >= ?`, since)
	d.Reactions = append(mail, moves...)
	return err
}

func (s *Store) reportReferrals(ctx context.Context, d *ReportData) error {
	var err error
	if d.Referrals, err = s.Referrals(ctx, ReferralFilter{}); err != nil {
		return err
	}
	return s.eachLabel(ctx, `SELECT id, COALESCE(email, ''), title, first_name, last_name, organization, kind
		FROM contacts WHERE id IN (SELECT contact_id FROM referrals)`, func(c *contact.Contact) { d.Sources[c.ID] = c })
}

// eachLabel reads the few fields that name a contact.
func (s *Store) eachLabel(ctx context.Context, q string, fn func(*contact.Contact)) error {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c := &contact.Contact{}
		if err := rows.Scan(&c.ID, &c.Email, &c.Title, &c.FirstName, &c.LastName, &c.Organization, &c.Kind); err != nil {
			return err
		}
		fn(c)
	}
	return rows.Err()
}

// reportFirstNotes reads, for every contact who sent a referral, the first
// note rapport sent them: the campaign that reached them first. "+state"
// has SQLite look the notes up by contact (the few who referred) rather
// than walk every note sent.
func (s *Store) reportFirstNotes(ctx context.Context, d *ReportData) error {
	return s.eachRow(ctx, `SELECT contact_id, min(sent_at), campaign, '' FROM sends
		WHERE contact_id IN (SELECT contact_id FROM referrals) AND +state IN ('sent', 'printed') AND sent_at != ''
		GROUP BY contact_id`, func(id int64, at time.Time, campaign, _ string) {
		d.FirstNotes[id] = FirstNote{At: at, Campaign: campaign}
	})
}
