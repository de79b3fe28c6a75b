package sheet

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"rapport/internal/contact"
)

// Options say how to read one file. The zero value reads the first sheet that
// has contacts with the default kinds and pipeline.
type Options struct {
	Sheet string            // XLSX sheet name; default: the first sheet with a contact header
	Map   map[string]string // header → field from --map 'Column=field'; overrides synonyms
	Tags  []string          // --tag: added to every row's tags
	Kind  string            // --kind: the kind of rows whose kind cell is empty
	Kinds []string          // allowed kinds; nil means contact.DefaultKinds
	// KindAliases map words of a kind column to kinds ([contacts.kind_aliases]),
	// before rapport's own aliases.
	KindAliases map[string]string
	Pipeline    contact.Pipeline // for a Stage column; the zero value means contact.DefaultPipeline()
	MaxRows     int              // refuse files with more data rows; 0 means 250,000
	MaxBytes    int64            // largest file, and largest unpacked XLSX; 0 means 256 MiB
	// MaxCells refuses an XLSX whose rows, counted up to each row's last
	// cell, hold more cells than this: reading them costs that much even
	// when they are empty. 0 means 50 million.
	MaxCells int64

	kinds *contact.Kinds // built by withDefaults
}

// Fields are the contact fields a column can map to. A --map field may also
// be "fields.KEY" for a custom field, or "-" / "ignore" to drop the column.
var Fields = []string{
	"email", "first_name", "last_name", "name", "title", "organization", "kind", "phone",
	"street", "street2", "city", "region", "postal_code", "country", "tags", "notes",
	"timezone", "stage",
}

const (
	defaultMaxRows  = 250_000
	defaultMaxBytes = 256 << 20
	defaultMaxCells = 50_000_000
	ignoreField     = "-"
	customPrefix    = "fields."
)

// Column is how one column of the file is used: its header as the user
// wrote it, its letter ("C") and the field it feeds ("email", or
// "fields.referral_source" for a custom field).
type Column struct {
	Header string `json:"header"`
	Letter string `json:"letter"`
	Field  string `json:"field"`
}

// RowError is a row that was skipped, or a note about a row that was kept
// (see Reader.Warnings). Row is the spreadsheet's own row number (for a CSV,
// the line the record starts on); Column is the header text, "" when the
// problem is with the whole row.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
	// Contact names the card of a vCard file, whose position alone does
	// not tell the user which one it is; "" for spreadsheets.
	Contact string `json:"contact,omitempty"`
	key     string // the row's email, when it has a good one (see Reader.rowKey)
}

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Message)
	}
	return fmt.Sprintf("row %d, column %q: %s", e.Row, e.Column, e.Message)
}

// withDefaults fills in the zero values and checks what the user typed on
// the command line (--kind, --map fields) before any file is touched.
func (o Options) withDefaults() (Options, error) {
	if o.Kinds == nil {
		o.Kinds = contact.DefaultKinds
	}
	if len(o.Pipeline.Main) == 0 {
		o.Pipeline = contact.DefaultPipeline()
	}
	if o.MaxRows <= 0 {
		o.MaxRows = defaultMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultMaxBytes
	}
	if o.MaxCells <= 0 {
		o.MaxCells = defaultMaxCells
	}
	kinds, err := contact.NewKinds(o.Kinds, o.KindAliases)
	if err != nil {
		return o, fmt.Errorf("kind aliases: %w", err)
	}
	o.kinds = kinds
	if o.Kind != "" {
		k, ok := kinds.Match(o.Kind)
		if !ok {
			return o, fmt.Errorf("--kind %q is not one of the kinds: %s", o.Kind, strings.Join(o.Kinds, ", "))
		}
		o.Kind = k
	}
	return o, nil
}

// newMatcher checks every --map field and keys the map by the folded
// header, so that 'e-mail=email' finds a column headed "E-Mail".
func newMatcher(in map[string]string) (matcher, error) {
	mt := matcher{m: make(map[string]string, len(in)), typed: make(map[string]string, len(in))}
	var errs []error
	for header, field := range in {
		f, err := parseMapField(field)
		if err != nil {
			errs = append(errs, fmt.Errorf("--map %q: %w", header+"="+field, err))
			continue
		}
		if key := foldHeader(header); key != "" {
			mt.m[key], mt.typed[key] = f, header
		} else {
			errs = append(errs, fmt.Errorf("--map %q: the column name is empty", header+"="+field))
		}
	}
	return mt, errors.Join(errs...)
}

func parseMapField(field string) (string, error) {
	trimmed := strings.TrimSpace(field)
	f := strings.ToLower(trimmed)
	switch {
	case f == "-" || f == "ignore":
		return ignoreField, nil
	case slices.Contains(Fields, f):
		return f, nil
	case strings.HasPrefix(f, customPrefix):
		if key := contact.FieldKey(trimmed[len(customPrefix):]); key != "" {
			return customPrefix + key, nil
		}
		return "", errors.New("a custom field needs a name after \"fields.\"")
	}
	return "", fmt.Errorf("unknown field %q (fields: %s, fields.NAME for a custom field, or - to ignore the column)",
		field, strings.Join(Fields, ", "))
}
