package inbox

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// want is what the classifier must read from one corpus message. Empty
// fields are not checked, except ReturnDate for auto-replies (empty means
// "no date may be invented").
type want struct {
	story      string // the test name: what the user would see go right
	kind       Kind
	subject    string
	fromName   string
	from       string
	hard       bool
	delayed    bool
	status     string
	recipients []string
	originalID string
	returnDate string // YYYY-MM-DD in the sender's zone
	partStat   string
	attendee   string
	uid        string
	token      string
}

// corpus lists every file in testdata/corpus. A file without an entry fails
// the test, so nobody adds a message without saying what it must become.
var corpus = map[string]want{
	// Replies from people: candidate replies, whatever their mailer.
	"reply_gmail.eml":                {story: "Gmail reply with a quoted unsubscribe line is a reply", kind: KindPersonal, fromName: "Priya Raman", from: "priya.raman.md@gmail.com"},
	"reply_outlook_desktop.eml":      {story: "Outlook reply carrying X-Auto-Response-Suppress is still a human reply", kind: KindPersonal, fromName: "Okafor, Thomas", from: "TOkafor@gracechapel.example"},
	"reply_apple_mail.eml":           {story: "Apple Mail reply is a reply", kind: KindPersonal, fromName: "Marisol Valencia"},
	"reply_thunderbird.eml":          {story: "Thunderbird reply with format=flowed is a reply", kind: KindPersonal, fromName: "Helena Brandt"},
	"reply_iphone.eml":               {story: "iPhone reply saying stop by is not an opt-out", kind: KindPersonal, fromName: "Jamie Ortiz"},
	"reply_no_threading.eml":         {story: "a new message without In-Reply-To is still personal", kind: KindPersonal, fromName: "Rev. Sarah Lindqvist", subject: "Referral for a teen in our youth group"},
	"reply_html_only.eml":            {story: "HTML-only Yahoo reply is a reply, its quoted unsubscribe ignored", kind: KindPersonal, fromName: "Kwame Mensah"},
	"reply_latin1_name.eml":          {story: "ISO-8859-1 name and subject are decoded", kind: KindPersonal, fromName: "Zoë Lefèvre", subject: "Re: Présentation - thérapie familiale", from: "zoe.lefevre@cabinet-lefevre.example"},
	"reply_utf8_polish.eml":          {story: "UTF-8 base64 name and subject are decoded", kind: KindPersonal, fromName: "Łukasz Kowalczyk", subject: "Re: Współpraca — skierowania młodzieży"},
	"reply_japanese_iso2022jp.eml":   {story: "ISO-2022-JP name and subject are decoded", kind: KindPersonal, fromName: "佐藤 美咲", subject: "Re: ご紹介ありがとうございます"},
	"reply_front_office.eml":         {story: "front desk reply that removes cookies from the schedule is a reply", kind: KindPersonal, from: "frontdesk@lakesidefm.example"},
	"reply_not_taking_referrals.eml": {story: "not taking referrals right now is a reply, not an opt-out", kind: KindPersonal},
	"reply_quoting_unsubscribe.eml":  {story: "reply quoting our note's unsubscribe footer is a reply", kind: KindPersonal},
	"reply_german_outlook.eml":       {story: "German Outlook reply quoting abmelden below Von/Gesendet is a reply", kind: KindPersonal, subject: "AW: Vorstellung: Dana Whitfield, Psychotherapie für Jugendliche"},
	"reply_french_gmail.eml":         {story: "French Gmail reply quoting désabonner below a écrit is a reply", kind: KindPersonal, fromName: "Claire Moreau", subject: "Re: Présentation — Dana Whitfield"},

	// People who mention being away, or removal words, in a real answer.
	"reply_away_but_answers.eml":         {story: "out until Monday but would love to talk is a reply", kind: KindPersonal, fromName: "Mike Brennan"},
	"reply_ooo_then_real_answer.eml":     {story: "out of the office, then a real answer, is a reply", kind: KindPersonal, from: "JLee@oakridgepeds.example"},
	"reply_german_away_personal.eml":     {story: "German nicht im Büro but glad to talk is a reply", kind: KindPersonal, fromName: "Katrin Vogel"},
	"reply_html_away_personal.eml":       {story: "HTML-only maternity leave note asking a question is a reply", kind: KindPersonal, fromName: "Maya Chen"},
	"reply_no_need_to_remove.eml":        {story: "no need to remove me is a reply, not an opt-out", kind: KindPersonal, from: "jlee@brookside.example"},
	"reply_should_i_unsubscribe.eml":     {story: "should I unsubscribe from something? is a reply", kind: KindPersonal, fromName: "Erin Walsh"},
	"reply_dont_take_me_off.eml":         {story: "please don't take me off your list is a reply", kind: KindPersonal, subject: "RE: Checking in"},
	"reply_remove_old_address_html.eml":  {story: "HTML-only how do I remove my old address? is a reply", kind: KindPersonal},
	"reply_french_ne_pas_desabonner.eml": {story: "French ne me désabonnez pas is a reply", kind: KindPersonal, fromName: "Claire Moreau"},

	// Automatic replies: pause the contact, never count as a reply.
	"ooo_exchange.eml":         {story: "out-of-office from Exchange is not a reply", kind: KindAutoReply, returnDate: "2026-11-23"},
	"ooo_gmail_vacation.eml":   {story: "Gmail vacation responder is not a reply", kind: KindAutoReply, returnDate: "2026-12-02"},
	"ooo_sieve_vacation.eml":   {story: "Dovecot Sieve vacation is not a reply", kind: KindAutoReply, returnDate: "2026-12-01"},
	"ooo_zimbra.eml":           {story: "Zimbra out-of-office through a Friday means back the Saturday", kind: KindAutoReply, returnDate: "2026-12-05"},
	"ooo_german.eml":           {story: "German Abwesenheitsnotiz with its return date", kind: KindAutoReply, returnDate: "2026-12-01"},
	"ooo_german_exchange.eml":  {story: "German Exchange Automatische Antwort bis zum 28.11.", kind: KindAutoReply, returnDate: "2026-11-29", subject: "Automatische Antwort: Vorstellung: Psychotherapie für Kinder"},
	"ooo_french.eml":           {story: "French réponse automatique with de retour le", kind: KindAutoReply, returnDate: "2026-12-03", subject: "Réponse automatique : absent", fromName: "Amélie Durand"},
	"ooo_spanish.eml":          {story: "Spanish respuesta automática with regresaré el", kind: KindAutoReply, returnDate: "2026-12-03", fromName: "Lucía García"},
	"ooo_subject_only.eml":     {story: "out-of-office known only by its subject", kind: KindAutoReply, returnDate: "2026-12-01"},
	"ooo_ticket_system.eml":    {story: "help desk acknowledgement is not a reply", kind: KindAutoReply},
	"ooo_automated_text.eml":   {story: "autoresponder that only says so in its text is not a reply", kind: KindAutoReply},
	"ooo_autoreply_header.eml": {story: "X-Autoreply responder with a day/month date", kind: KindAutoReply, returnDate: "2026-12-16"},
	"ooo_year_rollover.eml":    {story: "back in January read from a December auto-reply is next year", kind: KindAutoReply, returnDate: "2027-01-05"},
	"ooo_null_return_path.eml": {story: "vacation subject with a null Return-Path is an auto-reply", kind: KindAutoReply, returnDate: "2026-12-08"},
	"read_receipt.eml":         {story: "read receipt is not a reply", kind: KindAutoReply},

	// Stock absence notes with a plain "Re:" subject and no machine header.
	"ooo_plain_re_subject.eml":        {story: "out of the office until Monday under RE: is an auto-reply", kind: KindAutoReply, returnDate: "2026-12-01"},
	"ooo_plain_german.eml":            {story: "German bis zum 4. Dezember nicht im Büro under AW: is an auto-reply", kind: KindAutoReply, returnDate: "2026-12-05"},
	"ooo_plain_french_html.eml":       {story: "HTML-only French je suis absente under Re: is an auto-reply", kind: KindAutoReply, returnDate: "2026-12-03"},
	"ooo_plain_spanish.eml":           {story: "Spanish estoy fuera de la oficina under RE: is an auto-reply", kind: KindAutoReply, returnDate: "2026-12-02"},
	"ooo_plain_no_date.eml":           {story: "away from the office this week invents no return date", kind: KindAutoReply},
	"ooo_plain_thanks_first_html.eml": {story: "HTML-only thanks, then on medical leave, back on December 7", kind: KindAutoReply, returnDate: "2026-12-07"},

	// Bounces: hard ones stop the contact, soft ones and delays do not.
	"bounce_postfix_hard.eml": {story: "Postfix user unknown is a hard bounce", kind: KindBounce, hard: true, status: "5.1.1",
		recipients: []string{"jlee@oakridgepeds.example"}, originalID: "rapport.0a1b2c3d4e5f@rapport.test"},
	"bounce_postfix_delayed.eml": {story: "Postfix delay warning is not a failure", kind: KindBounce, delayed: true, status: "4.4.1",
		recipients: []string{"office@stjudeparish.example"}, originalID: "rapport.1b2c3d4e5f60@rapport.test"},
	"bounce_exim.eml": {story: "Exim failure without a DSN is a hard bounce", kind: KindBounce, hard: true, status: "5.1.1",
		recipients: []string{"counselor@westfieldacademy.example"}, originalID: "rapport.2c3d4e5f6071@rapport.test"},
	"bounce_exim_delay.eml": {story: "Exim delay warning is not a failure", kind: KindBounce, delayed: true,
		recipients: []string{"info@lakeviewcounseling.example"}},
	"bounce_gmail.eml": {story: "Gmail address not found is a hard bounce", kind: KindBounce, hard: true, status: "5.1.1",
		recipients: []string{"dr.hollis.family.med@gmail.com"}, originalID: "rapport.3d4e5f607182@rapport.test"},
	"bounce_gmail_delay.eml": {story: "Gmail delay notification is not a failure", kind: KindBounce, delayed: true, status: "4.4.1",
		originalID: "rapport.4e5f60718293@rapport.test"},
	"bounce_o365.eml": {story: "Office 365 RecipientNotFound is a hard bounce", kind: KindBounce, hard: true, status: "5.1.10",
		recipients: []string{"mwright@evergreenmedgroup.example"}, originalID: "rapport.5f6071829304@rapport.test"},
	"bounce_qmail.eml": {story: "qmail failure notice is a hard bounce", kind: KindBounce, hard: true, status: "5.1.1",
		recipients: []string{"drsmith@countrysidevet.example"}, originalID: "rapport.60718293a4b5@rapport.test"},
	"bounce_sendmail.eml": {story: "Sendmail returned mail is a hard bounce", kind: KindBounce, hard: true, status: "5.1.1",
		recipients: []string{"rbaker@harmonyclinic.example"}, originalID: "rapport.718293a4b5c6@rapport.test"},
	"bounce_quota.eml": {story: "full mailbox is a soft bounce: the pastor still exists", kind: KindBounce, status: "5.2.2",
		recipients: []string{"pastor.dan@newhopefellowship.example"}, originalID: "rapport.8293a4b5c6d7@rapport.test"},
	"bounce_yahoo.eml": {story: "Yahoo failure notice is a hard bounce", kind: KindBounce, hard: true, status: "5.0.0",
		recipients: []string{"grandma.cookies.counselor@yahoo.example"}, originalID: "rapport.93a4b5c6d7e8@rapport.test"},
	"bounce_global_dsn.eml": {story: "internationalized delivery report (RFC 6533) is a hard bounce", kind: KindBounce, hard: true, status: "5.1.1",
		recipients: []string{"josé.núñez@xn--clnica-esperanza-9rb.example"}, originalID: "rapport.a4b5c6d7e8f9@rapport.test"},
	"arf_feedback.eml": {story: "spam complaint is an opt-out", kind: KindOptOut},

	// Lists and newsletters: never a reply, even from a contact's domain.
	"list_mailchimp_clinic.eml": {story: "Mailchimp newsletter from a contact's clinic is not a reply", kind: KindList, from: "news@lakesidefm.example"},
	"list_constant_contact.eml": {story: "Constant Contact mailing without List-Id is bulk", kind: KindList},
	"list_google_groups.eml":    {story: "Google Groups post asking to be removed from a thread is list mail", kind: KindList},
	"list_medical_society.eml":  {story: "medical society bulletin with Precedence bulk is bulk", kind: KindList},

	// RSVPs to our invitations.
	"rsvp_google_accept.eml":   {story: "Google Calendar acceptance is an RSVP", kind: KindRSVP, partStat: "ACCEPTED", attendee: "priya.raman.md@gmail.com", uid: "rapport-event-meetgreet-2026-12@rapport.test"},
	"rsvp_outlook_decline.eml": {story: "Outlook decline with MAILTO attendee is an RSVP", kind: KindRSVP, partStat: "DECLINED", attendee: "TOkafor@gracechapel.example", uid: "rapport-event-meetgreet-2026-12@rapport.test"},
	"rsvp_apple_tentative.eml": {story: "Apple Calendar tentative answer without a telling subject is an RSVP", kind: KindRSVP, partStat: "TENTATIVE", attendee: "anita@hollowayfamilytherapy.example"},
	"rsvp_german_accept.eml":   {story: "German Outlook Angenommen is an RSVP", kind: KindRSVP, partStat: "ACCEPTED", attendee: "k.vogel@kinderarzt-vogel.example"},
	"rsvp_subject_only.eml":    {story: "Accepted subject without a calendar part is an RSVP", kind: KindRSVP, partStat: "ACCEPTED", attendee: "mvalencia@northsideschools.example"},

	// People asking not to be written to again.
	"optout_remove_me.eml":          {story: "please remove me from your list is an opt-out", kind: KindOptOut},
	"optout_german.eml":             {story: "Bitte keine weiteren E-Mails is an opt-out", kind: KindOptOut},
	"optout_token.eml":              {story: "mail to the opt-out address is an opt-out with its token", kind: KindOptOut, token: "abc123def"},
	"optout_french.eml":             {story: "French retirer de votre liste is an opt-out", kind: KindOptOut},
	"optout_spanish.eml":            {story: "Spanish darme de baja in HTML is an opt-out", kind: KindOptOut},
	"optout_subject_only.eml":       {story: "subject REMOVE alone is an opt-out", kind: KindOptOut},
	"optout_polite_question.eml":    {story: "could you please remove me from your mailing list? is an opt-out", kind: KindOptOut},
	"optout_stop_emailing_html.eml": {story: "HTML-only please stop emailing me is an opt-out", kind: KindOptOut},
	"optout_no_comma.eml":           {story: "No, please take me off your list is an opt-out", kind: KindOptOut},
}

func corpusFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	return files
}

func readCorpus(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCorpus(t *testing.T) {
	seen := map[string]bool{}
	for _, path := range corpusFiles(t) {
		name := filepath.Base(path)
		seen[name] = true
		w, ok := corpus[name]
		if !ok {
			t.Errorf("%s has no entry in the corpus table: say what it must become", name)
			continue
		}
		raw := readCorpus(t, path)
		t.Run(w.story, func(t *testing.T) {
			a, err := Analyze(raw)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			checkWant(t, name, a, w)
		})
	}
	for name := range corpus {
		if !seen[name] {
			t.Errorf("the corpus table lists %s, which is not in testdata/corpus", name)
		}
	}
}

func checkWant(t *testing.T, name string, a Analysis, w want) {
	t.Helper()
	if a.Kind != w.kind {
		t.Fatalf("%s: Kind = %q (%s), want %q", name, a.Kind, a.Reason, w.kind)
	}
	if a.Reason == "" {
		t.Errorf("%s: empty Reason", name)
	}
	checkStr(t, name, "Subject", a.Subject, w.subject)
	checkStr(t, name, "FromName", a.FromName, w.fromName)
	checkStr(t, name, "From", a.From, w.from)
	checkStr(t, name, "OptOutToken", a.OptOutToken, w.token)
	switch w.kind {
	case KindAutoReply:
		got := ""
		if !a.ReturnDate.IsZero() {
			got = a.ReturnDate.Format("2006-01-02")
		}
		if got != w.returnDate {
			t.Errorf("%s: ReturnDate = %q, want %q", name, got, w.returnDate)
		}
	case KindBounce:
		checkBounce(t, name, a.Bounce, w)
	case KindRSVP:
		if a.RSVP == nil {
			t.Fatalf("%s: no RSVP", name)
		}
		checkStr(t, name, "PartStat", a.RSVP.PartStat, w.partStat)
		checkStr(t, name, "Attendee", a.RSVP.Attendee, w.attendee)
		checkStr(t, name, "UID", a.RSVP.UID, w.uid)
	}
}

func checkBounce(t *testing.T, name string, b *Bounce, w want) {
	t.Helper()
	if b == nil {
		t.Fatalf("%s: no Bounce", name)
	}
	if b.Hard != w.hard || b.Delayed != w.delayed {
		t.Errorf("%s: Hard=%v Delayed=%v, want Hard=%v Delayed=%v", name, b.Hard, b.Delayed, w.hard, w.delayed)
	}
	if b.Hard && b.Delayed {
		t.Errorf("%s: a bounce cannot be both hard and delayed", name)
	}
	checkStr(t, name, "Status", b.Status, w.status)
	checkStr(t, name, "OriginalMessageID", b.OriginalMessageID, w.originalID)
	if w.recipients != nil && !slices.Equal(b.Recipients, w.recipients) {
		t.Errorf("%s: Recipients = %q, want %q", name, b.Recipients, w.recipients)
	}
}

func checkStr(t *testing.T, name, field, got, want string) {
	t.Helper()
	if want != "" && got != want {
		t.Errorf("%s: %s = %q, want %q", name, field, got, want)
	}
}

// The IMAP watcher classifies from BODY.PEEK[HEADER] first. Its answer must
// be the final one, or it must ask for the body.
func TestHeaderOnlyAgreesOrAsksForTheBody(t *testing.T) {
	for _, path := range corpusFiles(t) {
		raw := readCorpus(t, path)
		full, err := Analyze(raw)
		if err != nil {
			t.Fatal(err)
		}
		head, _ := splitMessage(raw)
		h, err := AnalyzeHeader(head)
		if err != nil {
			t.Fatalf("%s: AnalyzeHeader: %v", path, err)
		}
		if h.Kind != full.Kind && !h.NeedBody {
			t.Errorf("%s: header says %q (%s) without asking for the body; the whole message is %q", path, h.Kind, h.Reason, full.Kind)
		}
		if h.MessageID != full.MessageID || h.From != full.From || h.Subject != full.Subject || !h.Date.Equal(full.Date) {
			t.Errorf("%s: header-only identity fields differ from the full analysis", path)
		}
		if full.NeedBody {
			t.Errorf("%s: Analyze set NeedBody, which only AnalyzeHeader may", path)
		}
	}
}

// Mail arrives with CRLF from IMAP and with LF from files and tests; the
// answer must not depend on it.
func TestLineEndingsDoNotChangeTheAnswer(t *testing.T) {
	for _, path := range corpusFiles(t) {
		raw := readCorpus(t, path)
		lf := bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
		crlf := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
		a, _ := Analyze(lf)
		b, _ := Analyze(crlf)
		if a.Kind != b.Kind || a.Subject != b.Subject || !a.ReturnDate.Equal(b.ReturnDate) || (a.Bounce == nil) != (b.Bounce == nil) {
			t.Errorf("%s: LF gives %q %q %v, CRLF gives %q %q %v", path, a.Kind, a.Subject, a.ReturnDate, b.Kind, b.Subject, b.ReturnDate)
		}
	}
}

func TestIdentityFields(t *testing.T) {
	a, err := Analyze(readCorpus(t, filepath.Join("testdata", "corpus", "reply_apple_mail.eml")))
	if err != nil {
		t.Fatal(err)
	}
	if a.MessageID != "8B6E0F2A-1C3D-4E5F-9A7B-C1D2E3F4A5B6@northsideschools.example" {
		t.Errorf("MessageID = %q", a.MessageID)
	}
	if !slices.Equal(a.InReplyTo, []string{"rapport.0be1c2d3e4f5@rapport.test"}) || !slices.Equal(a.References, a.InReplyTo) {
		t.Errorf("InReplyTo = %q, References = %q", a.InReplyTo, a.References)
	}
	if !slices.Equal(a.To, []string{"therapist@rapport.test", "counseling@northsideschools.example"}) {
		t.Errorf("To = %q", a.To)
	}
	if a.Date.IsZero() || a.Date.Format("2006-01-02 15:04 -0700") != "2026-11-12 07:55 -0600" {
		t.Errorf("Date = %v", a.Date)
	}
}

func TestMalformedInputIsAnErrorNotAPanic(t *testing.T) {
	for _, in := range []string{"", "\r\n\r\nbody only", "   \n"} {
		if _, err := Analyze([]byte(in)); err == nil {
			t.Errorf("Analyze(%q): want an error", in)
		}
		if _, err := AnalyzeHeader([]byte(in)); err == nil {
			t.Errorf("AnalyzeHeader(%q): want an error", in)
		}
	}
}

func TestBrokenHeaderLinesAreSkipped(t *testing.T) {
	raw := "From sender@example.com Tue Nov 10 09:00:00 2026\n" +
		"From: Dr. Lee, MD <lee@Clinic.Example>\n" +
		"this line has no colon\n" +
		"Subject: Re: hello\n\nThanks!\n"
	a, err := Analyze([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if a.From != "lee@clinic.example" || a.Subject != "Re: hello" || a.Kind != KindPersonal {
		t.Errorf("got From %q Subject %q Kind %q", a.From, a.Subject, a.Kind)
	}
	if !strings.Contains(a.FromName, "Lee") {
		t.Errorf("FromName = %q", a.FromName)
	}
}
