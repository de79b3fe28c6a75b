package sheet

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// byEmail finds a contact read from a file.
func byEmail(t *testing.T, res result, email string) contact.Contact {
	t.Helper()
	for _, c := range res.contacts {
		if c.Email == email {
			return c
		}
	}
	t.Fatalf("no contact %s among %d", email, len(res.contacts))
	return contact.Contact{}
}

func TestVCardExports(t *testing.T) {
	t.Run("Outlook 2.1: quoted-printable notes, Windows-1252, a photo, the preferred email second", func(t *testing.T) {
		res := readAll(t, "testdata/outlook-2.1.vcf", Options{})
		if len(res.contacts) != 4 || len(res.errs) != 0 || res.r.Unit() != "card" {
			t.Fatalf("contacts %d errors %v", len(res.contacts), res.errs)
		}
		maria := byEmail(t, res, "maria.alvarez@elmpeds.test")
		if maria.Title != "Dr." || maria.FirstName != "Maria" || maria.LastName != "Alvarez" || maria.Fields["credentials"] != "MD" ||
			maria.Fields["other_emails"] != "frontdesk@elmpeds.test" || maria.Kind != "physician" {
			t.Errorf("maria: %+v", maria)
		}
		if maria.Notes != "Front desk: Janet Ruiz (ask for her, not the doctor)\nPrefers fax for referrals\n\nBring cookies in July" {
			t.Errorf("notes lost their lines: %q", maria.Notes)
		}
		if maria.Phone != "(217) 555-0100" || maria.Fields["fax"] != "(217) 555-0102" || maria.Fields["mobile_phone"] != "(217) 555-0111" {
			t.Errorf("phones: %q %v", maria.Phone, maria.Fields)
		}
		mueller := byEmail(t, res, "mueller@praxis-mueller.test")
		if mueller.LastName != "Müller" || mueller.FirstName != "Jürgen" || mueller.Organization != "Praxis Müller" ||
			mueller.Address.Street != "Hauptstraße 5" || mueller.Address.PostalCode != "01067" {
			t.Errorf("Windows-1252, quoted-printable or raw: %+v", mueller)
		}
		chapel := res.contacts[2]
		if chapel.Email != "" || !chapel.Address.Complete() || chapel.Organization != "Grace Chapel" || chapel.FirstName != "" || chapel.Kind != "pastor" {
			t.Errorf("a company card with only a postal address: %+v", chapel)
		}
		if reed := byEmail(t, res, "treed@stmarks.test"); reed.Title != "Rev." || reed.Phone != "(217) 555-0160" {
			t.Errorf("item1. groups: %+v", reed)
		}
	})
	t.Run("Apple Contacts 3.0: folded lines, labels, a photo, a company card", func(t *testing.T) {
		res := readAll(t, "testdata/apple-contacts.vcf", Options{Kind: "pastor"})
		if len(res.contacts) != 4 || len(res.errs) != 0 {
			t.Fatalf("contacts %d errors %v", len(res.contacts), res.errs)
		}
		kim := byEmail(t, res, "dkim@firstchurch.test")
		if kim.Title != "Pastor" || kim.LastName != "Kim" || kim.Salutation() != "Pastor Kim" || kim.Fields["job_title"] != "Senior Pastor" {
			t.Errorf("kim: %+v", kim)
		}
		if kim.Address != (contact.Address{Street: "1 Church Rd, Suite 2", City: "Springfield", Region: "IL", PostalCode: "62704", Country: "United States"}) {
			t.Errorf("an address folded mid-word, its street on two lines: %+v", kim.Address)
		}
		if kim.Notes != "Met at the interfaith breakfast in October.\nAsked about grief groups for teens; prefers a call on Tuesdays." {
			t.Errorf("notes: %q", kim.Notes)
		}
		if kim.Fields["other_phones"] != "Church office: (217) 555-0130" || kim.Fields["other_emails"] != "daniel.kim@example.test" || kim.Kind != "pastor" {
			t.Errorf("labels: %v, kind %q", kim.Fields, kim.Kind)
		}
		clinic := byEmail(t, res, "info@lakesideclinic.test")
		if clinic.Organization != "Lakeside Family Clinic" || clinic.FirstName != "" || clinic.LastName != "" || clinic.Phone != "217-555-0190" {
			t.Errorf("a company is not a person named Lakeside: %+v", clinic)
		}
		if lee := byEmail(t, res, "dr.lee@clinic.test"); lee.Fields["mobile_phone"] != "(217) 555-0143" || lee.Fields["website"] != "https://leefamilymed.test" {
			t.Errorf("Apple's built-in labels: %v", lee.Fields)
		}
	})
	t.Run("Google Contacts 3.0: several emails, categories, one card skipped per mistake", func(t *testing.T) {
		res := readAll(t, "testdata/google-contacts.vcf", Options{})
		nair := byEmail(t, res, "pnair@nairpsych.test")
		if nair.Fields["other_emails"] != "priya.nair@gmail.test, p.nair@university.test" || nair.Title != "Dr." || nair.Fields["credentials"] != "PhD" {
			t.Errorf("the first email is the key when none is preferred: %+v", nair)
		}
		if strings.Join(nair.Tags, ",") != "referral-sources" || nair.Fields["website"] != "https://nairpsych.test" || !strings.HasPrefix(nair.Notes, "EMDR, adolescents") {
			t.Errorf("categories without myContacts, Google's escapes: %+v", nair)
		}
		if ortega := byEmail(t, res, "lortega@shs.test"); ortega.Kind != "school-counselor" {
			t.Errorf("a category naming a kind: %+v", ortega)
		}
		want := []RowError{
			{Row: 3, Column: "EMAIL", Message: "same email as card 1", Contact: "Priya Nair (old)"},
			{Row: 4, Message: "needs an email, or a street, city and postal code for letters", Contact: "Pastor Ruth Olsen"},
			{Row: 5, Column: "EMAIL", Message: `"bob@smith" is not a valid email address: the domain has no dot`, Contact: "Bob Smith"},
		}
		if len(res.errs) != len(want) {
			t.Fatalf("errors %v", res.errs)
		}
		for i, w := range want {
			if e := *res.errs[i]; e.Row != w.Row || e.Column != w.Column || e.Message != w.Message || e.Contact != w.Contact {
				t.Errorf("got %+v, want %+v", e, w)
			}
		}
	})
}

func TestVCard4(t *testing.T) {
	p := writeFile(t, "contacts.vcf", []byte("BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Riverside\r\nORG:Riverside\\nCounseling Center\r\n"+
		"EMAIL;PREF=2:intake@riverside.test\r\nEMAIL;PREF=1:mailto:director@riverside.test\r\n"+
		"TEL;VALUE=uri;TYPE=\"work,voice\":tel:+1-217-555-0120;ext=4\r\n"+
		"ADR;TYPE=work;LABEL=\"9 River Rd\\nSpringfield, IL 62701\":;;9 River Rd;Springfield;IL;62701;\r\nEND:VCARD\r\n"))
	res := readAll(t, p, Options{})
	if len(res.contacts) != 1 {
		t.Fatalf("errors %v", res.errs)
	}
	c := res.contacts[0]
	if c.Email != "director@riverside.test" || c.Organization != "Riverside Counseling Center" || c.FirstName != "" ||
		c.Phone != "+1-217-555-0120 ext. 4" || c.Address.City != "Springfield" || c.Fields["other_emails"] != "intake@riverside.test" {
		t.Errorf("got %+v", c)
	}
}

func TestVCardDetection(t *testing.T) {
	card := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Lee\r\nEMAIL:lee@clinic.test\r\nEND:VCARD\r\n"
	t.Run("by content, whatever the name", func(t *testing.T) {
		if res := readAll(t, writeFile(t, "Contacts export.txt", []byte(card)), Options{}); len(res.contacts) != 1 || res.r.Format() != "vcard" {
			t.Errorf("got %+v", res.contacts)
		}
	})
	t.Run("UTF-16, as some Windows tools write it", func(t *testing.T) {
		b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.Replace(card, "Anna", "Zoë", 1)))
		res := readAll(t, writeFile(t, "contacts.vcf", b), Options{})
		if len(res.contacts) != 1 || res.contacts[0].FirstName != "Zoë" || res.r.Encoding() != "UTF-16LE" {
			t.Errorf("got %+v", res.contacts)
		}
	})
	t.Run("a .vcf that is not one", func(t *testing.T) {
		msg := openErr(t, writeFile(t, "contacts.vcf", []byte("Email,Name\nlee@clinic.test,Anna Lee\n")), Options{})
		if !strings.Contains(msg, "contacts.vcf: this file is named like a contacts export (.vcf) but does not start with BEGIN:VCARD") {
			t.Error(msg)
		}
	})
	t.Run("--map and --sheet mean nothing for cards", func(t *testing.T) {
		p := writeFile(t, "contacts.vcf", []byte(card))
		if msg := openErr(t, p, Options{Map: map[string]string{"Company": "organization"}}); !strings.Contains(msg, "import it without --map") {
			t.Error(msg)
		}
		if msg := openErr(t, p, Options{Sheet: "Contacts"}); !strings.Contains(msg, "import it without --sheet") {
			t.Error(msg)
		}
	})
}

func TestVCardReimport(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(t.TempDir(), "contacts.vcf")
	apple, _ := os.ReadFile("testdata/apple-contacts.vcf")
	writeFileAt(t, path, string(apple))
	if rep, err := Import(ctx, st, path, ImportOptions{}); err != nil || rep.Created != 4 || rep.Format != "vcard" {
		t.Fatalf("first import: %+v %v", rep, err)
	}
	kim, _ := st.ContactByEmail(ctx, "dkim@firstchurch.test")
	if _, _, err := st.MoveStage(ctx, kim.ID, store.Move{To: contact.StageMeeting, Reason: "coffee after the breakfast"}); err != nil {
		t.Fatal(err)
	}
	writeFileAt(t, path, strings.Replace(string(apple), "(217) 555-0101", "(217) 555-0109", 1))

	t.Run("a dry run lists the changed phone and changes nothing", func(t *testing.T) {
		rep, err := Import(ctx, st, path, ImportOptions{DryRun: true})
		if err != nil || rep.Updated != 1 || rep.Unchanged != 3 || len(rep.Changes) != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		if ch := rep.Changes[0]; ch.Row != 1 || ch.Contact != "Pastor Daniel Kim" || len(ch.Changed) != 1 ||
			ch.Changed[0].String() != "phone: (217) 555-0101 → (217) 555-0109" {
			t.Errorf("changes: %+v", rep.Changes)
		}
		if again, _ := st.ContactByEmail(ctx, "dkim@firstchurch.test"); again.Phone != "(217) 555-0101" {
			t.Errorf("a dry run changed the phone: %q", again.Phone)
		}
	})
	t.Run("the import takes the phone and keeps stage and history", func(t *testing.T) {
		if _, err := Import(ctx, st, path, ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		again, _ := st.ContactByEmail(ctx, "dkim@firstchurch.test")
		if again.Phone != "(217) 555-0109" || again.Stage != contact.StageMeeting || again.Fields["other_emails"] != "daniel.kim@example.test" {
			t.Errorf("after re-import: %+v", again)
		}
		hist, _ := st.History(ctx, kim.ID)
		var lines []string
		for _, e := range hist {
			lines = append(lines, e.Detail)
		}
		got := strings.Join(lines, "\n")
		for _, want := range []string{"imported from contacts.vcf card 1", "coffee after the breakfast",
			"imported from contacts.vcf card 1: phone: (217) 555-0101 → (217) 555-0109"} {
			if !strings.Contains(got, want) {
				t.Errorf("history lacks %q:\n%s", want, got)
			}
		}
	})
	t.Run("a spreadsheet's values are kept unless --overwrite", func(t *testing.T) {
		csv := filepath.Join(t.TempDir(), "sources.csv")
		writeFileAt(t, csv, "Email,Name,Phone\ndkim@firstchurch.test,Pastor Daniel Kim,217-555-0000\n")
		rep, err := Import(ctx, st, csv, ImportOptions{})
		if err != nil || len(rep.Changes) != 1 || len(rep.Changes[0].Kept) != 1 || rep.Changes[0].Source != "contacts.vcf" {
			t.Fatalf("%+v %v", rep.Changes, err)
		}
	})
}

// FuzzReadVCard feeds arbitrary bytes as a .vcf: reading may skip cards,
// but must never panic, hang, nor return a contact with a line break where
// none belongs.
func FuzzReadVCard(f *testing.F) {
	for _, name := range []string{"outlook-2.1.vcf", "apple-contacts.vcf", "google-contacts.vcf", "broken-cards.vcf"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("BEGIN:VCARD\nN;ENCODING=QUOTED-PRINTABLE:A=0D=0AB;C=\n"))
	f.Add([]byte("BEGIN:VCARD\nFN:a\\nb\nEMAIL:a@b.test\\n\nADR:;;1 Main\\nSt;X;;1234\nEND:VCARD\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readFuzz(t, writeFile(t, "fuzz.vcf", data))
	})
}

func TestVCardWithLargePhotos(t *testing.T) {
	card := func(name string, photo int) string {
		return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + "\r\nEMAIL:" + strings.ToLower(name) + "@clinic.test\r\n" +
			"PHOTO;ENCODING=b;TYPE=JPEG:" + strings.Repeat("QUJD\r\n ", photo/8) + "\r\nEND:VCARD\r\n"
	}
	o := Options{MaxBytes: 1 << 20}
	t.Run("photos larger than a spreadsheet may be are skipped as they stream by", func(t *testing.T) {
		p := writeFile(t, "contacts.vcf", []byte(card("Anna", 1<<20)+card("Ben", 1<<20)+card("Cleo", 1<<20)))
		if res := readAll(t, p, o); len(res.contacts) != 3 || len(res.errs) != 0 {
			t.Errorf("contacts %d, errors %v", len(res.contacts), res.errs)
		}
	})
	t.Run("a file too large even so says what to do", func(t *testing.T) {
		p := writeFile(t, "contacts.vcf", []byte(card("Anna", 6<<20)))
		if msg := openErr(t, p, o); !strings.Contains(msg, "the file is 5 MB; rapport reads contacts exports up to 4 MB (photos make them large): in Apple Contacts turn off") {
			t.Error(msg)
		}
	})
}
