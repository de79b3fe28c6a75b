package store

import (
	"context"
	"time"

	"rapport/internal/contact"
)

// LogEntry is one history event with who it is about, and for a note the
// journal row it came from: what `rapport log` tells in a sentence.
type LogEntry struct {
	contact.Event
	Who      contact.Contact // name, title, organization and email only
	Campaign string          // for sent and failed notes
	Step     string
}

// LogFilter selects log entries.
type LogFilter struct {
	Since     time.Time
	ContactID int64 // 0: everyone
	Limit     int   // the newest this many; 0: all
}

// Log returns history events since f.Since, oldest first.
func (s *Store) Log(ctx context.Context, f LogFilter) ([]LogEntry, error) {
	q := `SELECT e.id, e.contact_id, e.at, e.type, e.from_stage, e.to_stage, e.auto, e.detail, e.message_id,
		c.first_name, c.last_name, c.title, c.organization, COALESCE(c.email,''),
		COALESCE(sd.campaign,''), COALESCE(sd.step,'')
		FROM events e JOIN contacts c ON c.id = e.contact_id
		LEFT JOIN sends sd ON e.type IN ('sent','failed','printed') AND e.message_id != '' AND sd.message_id = e.message_id
		WHERE e.at >= ?`
	args := []any{fmtTime(f.Since)}
	if f.ContactID != 0 {
		q += " AND e.contact_id = ?"
		args = append(args, f.ContactID)
	}
	q += " ORDER BY e.at DESC, e.id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	out, err := queryAll(ctx, s.db, scanLogEntry, q, args...)
	if err != nil {
		return nil, wrapErr(err, "read the activity log")
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

func scanLogEntry(row scanner) (LogEntry, error) {
	var le LogEntry
	var at string
	w := &le.Who
	err := row.Scan(&le.ID, &le.ContactID, &at, &le.Type, &le.From, &le.To, &le.Auto, &le.Detail, &le.MessageID,
		&w.FirstName, &w.LastName, &w.Title, &w.Organization, &w.Email, &le.Campaign, &le.Step)
	le.At, w.ID = parseTime(at), le.ContactID
	return le, err
}
