package sheet

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
)

// fieldID is a contact field as an index into Fields, or one of the two
// pseudo-fields below; Next switches on it for every cell.
type fieldID int

const (
	fEmail fieldID = iota
	fFirst
	fLast
	fName
	fTitle
	fOrg
	fKind
	fPhone
	fStreet
	fStreet2
	fCity
	fRegion
	fPostal
	fCountry
	fTags
	fNotes
	fTimezone
	fStage
	fCustom fieldID = 100
	fIgnore fieldID = 101
)

// column is a Column with what Next needs to read it fast.
type column struct {
	Column
	idx        int                 // 0-based index into the row's cells
	id         fieldID             //
	key        string              // custom field key, for fCustom
	conv       func(string) string // XLSX number-format conversion; nil when none
	lazy       bool                // no header: becomes a custom field once a value shows up
	seen       bool                // a lazy column that has shown a value
	errNoted   bool                // an Excel error value (#N/A) in it has been noted
	splitNoted bool                // addresses in it have been split, and the user told
}

// columnSet builds the columns from the header names; first come, first
// served for each field, an explicit --map before any synonym.
type columnSet struct {
	cols  []*column
	taken map[fieldID]*column
	keys  map[string]bool
	notes []RowError
	row   int // the header's row number, for notes
}

func buildColumns(names []string, mt matcher, headerRow int) ([]*column, []RowError, error) {
	cs := &columnSet{taken: map[fieldID]*column{}, keys: map[string]bool{}, row: headerRow}
	span := len(names)
	for span > 0 && names[span-1] == "" {
		span--
	}
	for c, h := range names[:span] {
		letter, _ := excelize.ColumnNumberToName(c + 1)
		cs.cols = append(cs.cols, &column{Column: Column{Header: h, Letter: letter}, idx: c})
	}
	cs.assign(mt, true)
	cs.assign(mt, false)
	cs.nameWithParts()
	cs.exportColumns()
	if err := unusedMap(mt, cs.cols); err != nil {
		return nil, nil, err
	}
	return cs.cols, cs.notes, nil
}

// assign gives each column without a field yet its field: in the first pass
// only --map entries, in the second synonyms, then custom fields.
func (cs *columnSet) assign(mt matcher, explicit bool) {
	for _, col := range cs.cols {
		if col.Field != "" {
			continue
		}
		if col.Header == "" {
			if !explicit {
				col.lazy, col.id, col.key = true, fCustom, cs.uniqueKey("column_"+strings.ToLower(col.Letter))
				col.Field, col.Header = customPrefix+col.key, "column "+col.Letter
			}
			continue
		}
		f, ok := mt.explicit(col.Header)
		if !ok && explicit {
			continue
		}
		if !ok {
			f = synonyms[foldHeader(col.Header)]
		}
		cs.set(col, f)
	}
}

func (cs *columnSet) set(col *column, f string) {
	switch {
	case f == ignoreField:
		col.id, col.Field = fIgnore, ignoreField
	case strings.HasPrefix(f, customPrefix):
		cs.custom(col, f[len(customPrefix):])
	case f == "":
		cs.custom(col, contact.FieldKey(col.Header))
	default:
		id := fieldID(slices.Index(Fields, f))
		if first := cs.taken[id]; first != nil {
			cs.custom(col, contact.FieldKey(col.Header))
			cs.note(col, fmt.Sprintf("also looks like the %s column; column %s (%q) is used for %s, this one is kept as custom field %q",
				f, first.Letter, first.Header, f, col.key))
			return
		}
		cs.taken[id] = col
		col.id, col.Field = id, f
	}
}

func (cs *columnSet) custom(col *column, key string) {
	if key == "" {
		key = "column_" + strings.ToLower(col.Letter)
	}
	col.id, col.key = fCustom, cs.uniqueKey(key)
	col.Field = customPrefix + col.key
}

// uniqueKey keeps two columns from writing the same custom field: the
// second "Notes 2" becomes notes_2_2 rather than overwriting the first.
func (cs *columnSet) uniqueKey(key string) string {
	k := key
	for n := 2; cs.keys[k]; n++ {
		k = key + "_" + strconv.Itoa(n)
	}
	cs.keys[k] = true
	return k
}

// nameWithParts keeps a full-name column as a custom field when the file
// also has first or last name columns: those are what the user maintains.
func (cs *columnSet) nameWithParts() {
	name := cs.taken[fName]
	if name == nil || cs.taken[fFirst] == nil && cs.taken[fLast] == nil {
		return
	}
	delete(cs.taken, fName)
	cs.custom(name, contact.FieldKey(name.Header))
	cs.note(name, fmt.Sprintf("the file has first/last name columns, so this one is kept as custom field %q", name.key))
}

// exportColumns are what rapport's own export adds from its history. When
// all three are present the file is an export coming back, and importing
// them would turn history into custom fields.
var exportColumns = []string{"lastsent", "lastreply", "referrals"}

func (cs *columnSet) exportColumns() {
	var found []*column
	for _, col := range cs.cols {
		if col.id == fCustom && !col.lazy && slices.Contains(exportColumns, foldHeader(col.Header)) {
			found = append(found, col)
		}
	}
	if len(found) != len(exportColumns) {
		return
	}
	for _, col := range found {
		delete(cs.keys, col.key)
		col.id, col.key, col.Field = fIgnore, "", ignoreField
		cs.note(col, "written by rapport's export from its history; ignored (use --map to keep it)")
	}
}

func (cs *columnSet) note(col *column, msg string) {
	cs.notes = append(cs.notes, RowError{Row: cs.row, Column: col.Header, Message: msg})
}

// unusedMap reports --map entries that name no column: a typo there would
// otherwise silently import the column under the wrong field.
func unusedMap(mt matcher, cols []*column) error {
	var headers []string
	found := map[string]bool{}
	for _, col := range cols {
		if !col.lazy {
			headers = append(headers, col.Header)
			found[foldHeader(col.Header)] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(mt.m)) {
		if !found[key] {
			return fmt.Errorf("--map %q: no column has that header (the columns are: %s)", mt.typed[key], strings.Join(headers, ", "))
		}
	}
	return nil
}
