package sheet

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

// makeTherapistXLSX builds the workbook a therapist in private practice
// keeps by hand: 39 people under a title row, a practice and its address
// merged down the rows of its doctors, addresses typed in one cell (US, UK
// and German shapes, and a few that cannot be split), the kind in her own
// words ("Family doc", "GP", "OB/GYN", "Priest"), notes typed with
// Alt+Enter, dates met, phones typed as numbers, and the usual mistakes.
func makeTherapistXLSX(t *testing.T, path string) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Referral sources"
	f.SetSheetName("Sheet1", sheet)
	dateFmt := "mmm d, yyyy"
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	wrap, _ := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	date := func(y, m, d int) excelize.Cell {
		return excelize.Cell{StyleID: dateStyle, Value: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)}
	}
	note := func(s string) excelize.Cell { return excelize.Cell{StyleID: wrap, Value: s} }
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Referral sources — Maple Street Counseling (updated January 2026)"},
		{},
		{"Name", "Practice", "Type", "E-mail", "Phone", "Address", "Date met", "Notes", "Referrals 2025"},
		// 4–6: three doctors of one practice, its name and address merged down (D4:D6 style)
		{"Dr. Maria Alvarez", "Elm Street Pediatrics", "Pediatrician", "maria.alvarez@elmpeds.test", 2175550100, "410 Elm St, Springfield, IL 62701", date(2025, 9, 18), note("Front desk: Janet\nPrefers fax for referrals"), 3},
		{"Dr. Tom Becker", nil, "Pediatrician", "tom.becker@elmpeds.test", 2175550100, nil, date(2025, 9, 18), nil, 1},
		{"Janet Ruiz", nil, "Front desk", "frontdesk@elmpeds.test", 2175550101, nil, date(2025, 9, 18), note("Office manager.\nBring cookies in July!"), nil},
		{"Dr. Grace Lee", "Lee Family Medicine", "Family doc", "dr.lee@clinic.test", 2175550142, "77 School Ln, Springfield, IL 62703", date(2025, 10, 2), note("Met at the fall open house\nAsked for our brochure"), 2},
		{"Dr. Sam Patel", "Prairie Family Practice", "GP", "spatel@prairiefp.test", "(217) 555-0177", "1200 Wabash Ave, Springfield IL 62704-1234", date(2025, 6, 5), nil, nil},
		{"Dr. Ana Souza", "Women's Health Springfield", "OB/GYN", "asouza@whs.test", "217-555-0190", "88 Monroe St., Springfield, IL 62701", nil, "Interested in post-partum group", 4},
		{"Dr. Kevin O'Neil", "Capital Internal Medicine", "Family Medicine", "koneil@capitalim.test", 2175550111, "5 Capitol Ave\nSpringfield, IL 62701", date(2024, 11, 20), nil, nil},
		{"Dr. Lisa Wong", "Springfield Peds", "Peds", "lwong@springfieldpeds.test", 2175550123, "300 S 6th St, Springfield, IL 62701, USA", nil, nil, nil},
		{"Dr. Hannah Fischer", "Praxis Dr. Fischer", "MD", "h.fischer@praxis-fischer.test", "+49 30 1234567", "Hauptstraße 5, 10115 Berlin, Germany", date(2025, 5, 12), "Colleague from the Berlin conference", nil},
		{"Dr. James Whitfield", "Harley Street Clinic", "GP", "j.whitfield@harleyclinic.test", "+44 20 7946 0000", "10 Harley Street, London W1G 9PF", nil, nil, nil},
		// 14–15: a church and its two pastors, church merged
		{"Father Michael Byrne", "St. Agnes Parish", "Priest", "fr.byrne@stagnes.test", 2175550150, "1 Church St, Chatham, IL 62629", date(2025, 3, 9), nil, nil},
		{"Deacon Paul Grant", nil, "Priest", "pgrant@stagnes.test", nil, nil, nil, "Runs the grief group", nil},
		{"Rabbi Rachel Stein", "Temple Beth Shalom", "Rabbi", "rabbi.stein@bethshalom.test", 2175550160, "1000 Walnut St, Springfield, IL 62702", date(2024, 12, 1), nil, 1},
		{"Imam Yusuf Khan", "Islamic Center of Springfield", "Imam", "ykhan@icspringfield.test", nil, "2 Oak Ridge Rd, Springfield, IL 62711", nil, nil, nil},
		{"Pastor Dana Brooks", "Grace Community Church", "Minister", "pastor.dana@gracecc.test", 2175550170, "PO Box 44 near the old mill", date(2025, 1, 15), nil, nil},
		{"Chaplain Ruth Adeyemi", "Memorial Hospital", "Chaplain", "radeyemi@memorial.test", nil, nil, nil, nil, nil},
		{"Ms. Karen Holt", "Lincoln Middle School", "Guidance counselor", "kholt@lincolnms.test", 2175550180, "500 N 5th St, Springfield, IL 62702", date(2025, 8, 22), note("Sends families with teens\nAsk about the anxiety group"), 5},
		{"Dr. Omar Haddad", "District 186", "School psychologist", "ohaddad@sd186.test", 2175550181, nil, nil, nil, nil},
		{"Mr. Luis Ortega", "Springfield High School", "School counselor", "lortega@shs.test", nil, "101 S Lewis St, Springfield, IL 62704", nil, nil, nil},
		{"Erin Walsh, LCSW", "Walsh Counseling", "LCSW", "erin@walshcounseling.test", 2175550190, "12 Main St, Suite 3, Springfield, IL 62701", date(2025, 4, 30), "Consultation group, 1st Tuesdays", 2},
		{"David Kim, LMFT", "Kim Family Therapy", "LMFT", "david@kimfamilytherapy.test", nil, nil, date(2025, 4, 30), "EFT couples work", 1},
		{"Dr. Priya Nair", "Nair Psychology", "Psychologist", "pnair@nairpsych.test", nil, nil, nil, "Testing and assessment", nil},
		{"Grace Okafor, LPC", "Riverbend Counseling", "LPC", "grace@riverbend.test", nil, nil, nil, nil, nil},
		{"Sunrise Family Services", "Sunrise Family Services", "Nonprofit", "intake@sunrisefs.test", 2175550200, "900 E Adams St, Springfield, IL 62703", nil, nil, nil},
		{},
		{"Beth Howard", "Springfield Yoga Loft", "Yoga studio", "beth@yogaloft.test", nil, nil, nil, "Hosts our mindfulness workshop", nil},
		{"Nora Quinn", "Memorial Hospital", "Nurse line", "nquinn@memorial.test", nil, nil, nil, nil, nil},
		{"Carl Jensen", "Jensen Chiropractic", "Chiropractor", "carl@jensenchiro.test", nil, nil, nil, nil, nil},
		// a letter-only contact: no email, the whole address in one cell
		{"Rev. Alan Moore", "First Presbyterian Church", "Pastor", nil, nil, "321 S 7th St, Springfield, IL 62701", date(2023, 5, 1), "Prefers letters", nil},
		{"Mary Beth Collins", "Collins Pediatric Dentistry", "Dentist", nil, nil, "by the library on Main", nil, nil, nil},
		// mistakes
		{"Bob Smith", "Smith Clinic", "Family doc", "bob@smithclinic", nil, nil, nil, nil, nil},
		{"Dr. Maria Alvarez", "Elm Street Pediatrics", "Pediatrician", "Maria.Alvarez@ElmPeds.test", nil, nil, nil, nil, nil},
		{"Tina\nMarsh", "Marsh Therapy", "LCSW", "tina@marshtherapy.test", nil, nil, nil, nil, nil},
		{"Dr. Henry Cho", "Cho Pediatrics", "Pediatrics", "hcho@chopeds.test", nil, "45 Elm St, Chatham, IL 62629", nil, "#N/A", nil},
		{"Lucy Park", "Park Psychiatry", "Psychiatrist", "lpark@parkpsych.test", nil, nil, nil, nil, nil},
		{"Sister Anne Marie", "Catholic Charities", "Social services", "amarie@cc-springfield.test", nil, "120 S 6th St, Springfield, IL 62701", nil, nil, nil},
		{"Dr. Raj Mehta", "Mehta Family Medicine", "family doc", "raj@mehtafm.test", nil, "8 Park Ave, Springfield, IL 62702", nil, nil, nil},
		{"Dr. Ellen Price", "Lakeside Pediatrics", "Pediatrician", "eprice@lakesidepeds.test", nil, "Suite 200, Lakeside Plaza", nil, nil, nil},
		{"Maya Torres, PsyD", "Torres Child Psychology", "Psychologist", "maya@torrespsych.test", nil, "14 Elm St, Rochester, IL 62563", date(2025, 2, 14), note("Adoption and foster care\n\n\nReferred the Greens (no names here!)"), 1},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"B4", "B6"}, {"F4", "F6"}, {"B14", "B15"}, {"F14", "F15"}} {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// clinicsExportCSV is a second file with some of the same people, as Excel
// on Windows saves "CSV": Windows-1252, CRLF, Outlook-style headers. It
// disagrees with the workbook on purpose: an upper-cased email, another
// phone, other notes, and no date met.
const clinicsExportCSV = "First Name,Last Name,E-mail Address,Company,Business Phone,Notes,Date met\r\n" +
	"Grace,Lee,DR.LEE@clinic.test,Lee Family Medicine,(217) 555-0199,call on Tuesdays,\r\n" +
	"Sam,Patel,spatel@prairiefp.test,Prairie Family Practice,(217) 555-0177,,\r\n" +
	"Luis,Ortega,LORTEGA@shs.test,Springfield High School,217-555-0185,,\r\n" +
	"Priya,Nair,pnair@nairpsych.test,Nair Psychology,217-555-0195,\"Testing and assessment\r\nAlso sees adolescents\",\r\n" +
	"Jürgen,Müller,mueller@praxis-mueller.test,Praxis Müller,+49 351 555 0100,Zürich conference,\r\n"

func makeClinicsCSV(t *testing.T, path string) {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(clinicsExportCSV))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if strings.Count(clinicsExportCSV, "\r\n") != 7 {
		t.Fatal("the CSV fixture lost a line")
	}
}
