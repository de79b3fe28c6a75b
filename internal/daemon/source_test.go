package daemon

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/sheet"
	"rapport/internal/store"
)

func TestSheetSourceFollowsTheUsersSpreadsheet(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(dir, "referrals.csv")
	write := func(body string) {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	later := func() time.Time { return time.Now().Add(time.Minute) } // the file has settled
	src := &SheetSource{Path: path, Store: st, Log: slog.New(slog.NewTextHandler(&logs, nil)), Now: later,
		Options: sheet.ImportOptions{Options: sheet.Options{Tags: []string{"sheet"}}}}
	write("Email,Name\nlee@clinic.test,Anna Lee\nkim@church.test,James Kim\n")
	check := func() {
		t.Helper()
		if err := src.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	imports := func() int {
		l, _ := st.Imports(ctx, path, 100)
		return len(l)
	}
	check()
	if n := imports(); n != 1 {
		t.Fatalf("first check: %d imports", n)
	}
	check()
	if n := imports(); n != 1 {
		t.Errorf("an unchanged file was imported again (%d imports)", n)
	}

	// Open in Excel: left alone until it is closed.
	lock := filepath.Join(dir, "~$referrals.csv")
	os.WriteFile(lock, []byte("x"), 0o644)
	write("Email,Name\nlee@clinic.test,Anna Lee\n")
	check()
	if n := imports(); n != 1 || !strings.Contains(logs.String(), "open in Excel") {
		t.Errorf("a file open in Excel was imported (%d imports)", n)
	}
	os.Remove(lock)

	// Kim's row is gone: flagged, never deleted.
	check()
	kim, err := st.ContactByEmail(ctx, "kim@church.test")
	if err != nil || !kim.Missing {
		t.Fatalf("kim after leaving the sheet: %+v %v", kim, err)
	}
	hist, _ := st.History(ctx, kim.ID)
	if hist[len(hist)-1].Type != contact.EventMissing {
		t.Errorf("history: %+v", hist)
	}

	// A save in progress: a broken file changes nothing and is retried.
	os.WriteFile(path, []byte("PK\x03\x04 half a zip"), 0o644)
	os.Rename(path, path+".xlsx")
	src.Path = path + ".xlsx"
	check()
	if all, _ := st.Contacts(ctx, store.Filter{}); len(all) != 2 {
		t.Errorf("a broken file changed the contacts: %d", len(all))
	}
	if !strings.Contains(logs.String(), "source_import_failed") {
		t.Errorf("the failed import was not logged:\n%s", logs.String())
	}

	// Kim is back in the sheet: the flag clears.
	src.Path = path
	write("Email,Name\nlee@clinic.test,Anna Lee\nkim@church.test,James Kim\n")
	check()
	kim, _ = st.ContactByEmail(ctx, "kim@church.test")
	if kim.Missing {
		t.Error("kim is back in the sheet but still flagged")
	}
}

func TestSheetSourceWaitsForASaveToSettle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, _ := store.Open(ctx, filepath.Join(dir, "r.db"), nil)
	defer st.Close()
	path := filepath.Join(dir, "referrals.csv")
	os.WriteFile(path, []byte("Email\nlee@clinic.test\n"), 0o644)
	src := &SheetSource{Path: path, Store: st, Log: slog.New(slog.DiscardHandler), Now: time.Now}
	src.Check(ctx) // just written: not yet
	if l, _ := st.Imports(ctx, path, 10); len(l) != 0 {
		t.Fatal("a file still being written was imported")
	}
	src.Check(ctx) // unchanged since the last look: settled
	if l, _ := st.Imports(ctx, path, 10); len(l) != 1 {
		t.Error("a settled file was not imported")
	}
}
