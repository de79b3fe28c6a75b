package sheet

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"rapport/internal/contact"
	"rapport/internal/store"
)

func TestMergedCellsInDataRows(t *testing.T) {
	b := newBook(t).sheet("Sheet1",
		[]any{"Practice", "Name", "Email", "Notes"},
		[]any{"Elm Street Pediatrics", "Dr. Maria Alvarez", "alvarez@elm.test", "Shared fax"},
		[]any{nil, "Dr. Tom Becker", "becker@elm.test", nil},
		[]any{},
		[]any{nil, "Janet Ruiz", "janet@elm.test", "Front desk"},
		[]any{"Grace Church", "Pastor Dana Brooks", "dana@grace.test", nil},
	)
	b.f.MergeCell("Sheet1", "A2", "A5")
	b.f.MergeCell("Sheet1", "D2", "D3")
	res := readAll(t, b.save("merged-rows.xlsx"), Options{})
	if len(res.contacts) != 4 || len(res.errs) != 0 {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
	for i, want := range []string{"Elm Street Pediatrics", "Elm Street Pediatrics", "Elm Street Pediatrics", "Grace Church"} {
		if got := res.contacts[i].Organization; got != want {
			t.Errorf("row %d: organization %q, want %q (the merged cell's value)", res.contacts[i].Source.Row, got, want)
		}
	}
	if res.contacts[1].Notes != "Shared fax" || res.contacts[2].Notes != "Front desk" {
		t.Errorf("notes merged over two rows: %q %q", res.contacts[1].Notes, res.contacts[2].Notes)
	}
	if res.r.Read() != 4 {
		t.Errorf("the blank row inside the merged range was read: %d rows", res.r.Read())
	}
}

func TestAddressInOneCell(t *testing.T) {
	p := newBook(t).sheet("Sheet1",
		[]any{"Email", "Name", "Address"},
		[]any{"lee@clinic.test", "Dr. Grace Lee", "77 School Ln, Springfield, IL 62703"},
		[]any{"fischer@praxis.test", "Dr. Hannah Fischer", "Hauptstraße 5, 10115 Berlin"},
		[]any{"price@lakeside.test", "Dr. Ellen Price", "Suite 200, Lakeside Plaza"},
		[]any{"holt@school.test", "Karen Holt", "500 N 5th St\nSpringfield, IL 62702"},
		[]any{"kim@church.test", "Pastor Kim", "1 Church Rd"},
	).save("addresses.xlsx")
	res := readAll(t, p, Options{})
	if len(res.contacts) != 5 || len(res.errs) != 0 {
		t.Fatalf("contacts %d errors %v", len(res.contacts), res.errs)
	}
	want := []contact.Address{
		{Street: "77 School Ln", City: "Springfield", Region: "IL", PostalCode: "62703"},
		{Street: "Hauptstraße 5", City: "Berlin", PostalCode: "10115"},
		{Street: "Suite 200, Lakeside Plaza"},
		{Street: "500 N 5th St", City: "Springfield", Region: "IL", PostalCode: "62702"},
		{Street: "1 Church Rd"},
	}
	for i, w := range want {
		if got := res.contacts[i].Address; got != w {
			t.Errorf("row %d: %+v, want %+v", i+2, got, w)
		}
	}
	if !hasNote(res.r, "Address", `the address "Suite 200, Lakeside Plaza" could not be split`) {
		t.Errorf("no note for the address that could not be split: %v", res.r.Warnings())
	}
	for _, w := range res.r.Warnings() {
		if w.Row == 6 {
			t.Errorf("a plain street got a note: %v", w)
		}
	}
}

func TestImportFlagsOnlyRowsThatAreGone(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "sources.csv")
	write := func(body string) { writeFileAt(t, path, body) }
	write("Email,Name,Stage\nann@a.test,Ann Ames,new\nbo@b.test,Bo Bell,new\ncy@c.test,Cy Cole,new\n")
	o := ImportOptions{FlagMissing: true}
	if _, err := Import(ctx, st, path, o); err != nil {
		t.Fatal(err)
	}
	// Bo's row is gone; Cy's row is still there but has a typo in its stage
	write("Email,Name,Stage\nann@a.test,Ann Ames,new\ncy@c.test,Cy Cole,nwe\n")
	rep, err := Import(ctx, st, path, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Missing) != 1 || rep.Missing[0].Email != "bo@b.test" || rep.Missing[0].Row != 3 || rep.Skipped != 1 {
		t.Errorf("missing %+v, skipped %d", rep.Missing, rep.Skipped)
	}
	if cy, _ := st.ContactByEmail(ctx, "cy@c.test"); cy.Missing {
		t.Error("a row skipped for a bad cell was taken for a row removed from the sheet")
	}
	write("Email,Name,Stage\nnot an email,Ann Ames,new\n")
	if rep, _ := Import(ctx, st, path, o); len(rep.Missing) != 0 {
		t.Errorf("a sheet with no good row flagged %+v", rep.Missing)
	}
	dry := o
	dry.DryRun = true
	write("Email,Name\nann@a.test,Ann Ames\n")
	if rep, _ := Import(ctx, st, path, dry); len(rep.Missing) != 1 || !strings.Contains(rep.Missing[0].Contact, "Cy Cole") {
		t.Errorf("dry run: %+v", rep.Missing)
	}
	if cy, _ := st.ContactByEmail(ctx, "cy@c.test"); cy.Missing {
		t.Error("a dry run flagged a contact")
	}
}
