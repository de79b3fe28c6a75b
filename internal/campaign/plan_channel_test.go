package campaign

import (
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
)

// TestACardByPostThenAnEmail plans a mixed campaign for a pastor (email
// and address), a school counselor (postal only) and a therapist (email
// only), through the print batch and its mailing.
func TestACardByPostThenAnEmail(t *testing.T) {
	c := load(t, "testdata/by-post.toml")
	ny := c.Location
	win, _ := schedule.ParseWindow("Mon-Fri 09:00-17:00")
	addr := contact.Address{Street: "200 Church St", City: "Springfield", Region: "IL", PostalCode: "62708"}
	pastor := &Facts{Contact: &contact.Contact{ID: 1, Email: "pastor.kim@grace.test", Kind: "pastor", Address: addr,
		Stage: contact.StageNew}, Sends: map[string]*contact.Send{}}
	counselor := &Facts{Contact: &contact.Contact{ID: 2, Kind: "school-counselor", FirstName: "Carol", Address: addr,
		Stage: contact.StageNew}, Sends: map[string]*contact.Send{}}
	therapist := &Facts{Contact: &contact.Contact{ID: 3, Email: "tom@reyes.test", Kind: "therapist",
		Address: contact.Address{City: "Springfield"}, Stage: contact.StageNew}, Sends: map[string]*contact.Send{}}
	plan := func(at time.Time) map[int64]Item {
		out := map[int64]Item{}
		for _, it := range c.Plan([]Facts{*pastor, *counselor, *therapist}, Options{Now: at, Window: win,
			Pipeline: contact.DefaultPipeline(), Capacity: -1}) {
			out[it.Contact.ID] = it
		}
		return out
	}
	monday := time.Date(2026, 11, 23, 10, 0, 0, 0, ny)

	t.Run("the card goes to everyone with an address; the email-only contact gets the email at once", func(t *testing.T) {
		got := plan(monday)
		for _, id := range []int64{1, 2} {
			if it := got[id]; !it.Due || it.Step.ID != "card" {
				t.Errorf("contact %d: %+v", id, it)
			}
		}
		if it := got[2]; !strings.Contains(it.Reason, "by post only: no email address") {
			t.Errorf("the counselor's plan says she gets only the letters: %q", it.Reason)
		}
		if it := got[3]; !it.Due || it.Step.ID != "email" || it.Index != 0 ||
			!strings.Contains(it.Reason, "by email only: no complete postal address") {
			t.Errorf("the therapist without an address: %+v", it)
		}
	})

	printed := func(f *Facts) {
		f.Sends["card"] = &contact.Send{Step: "card", Channel: "letter", State: contact.SendPrinted, SentAt: monday, Batch: 4}
		f.Contact.Stage = contact.StageContacted
	}
	printed(pastor)
	printed(counselor)

	t.Run("the email waits until the print batch is marked mailed", func(t *testing.T) {
		got := plan(monday.AddDate(0, 0, 30))
		if it := got[1]; it.Due || it.Code != CodeUnmailed || it.Step.ID != "email" ||
			!strings.Contains(it.Reason, "waiting for print batch 4 to be marked mailed (`rapport letters mailed 4`") {
			t.Errorf("pastor: %+v", it)
		}
		if it := got[2]; it.Code != CodeDone || !strings.Contains(it.Reason, "every step is done; by post only") {
			t.Errorf("the counselor is done once her card is printed: %+v", it)
		}
	})

	mailed := monday.AddDate(0, 0, 1) // posted on Tuesday
	pastor.Sends["card"].MailedAt = mailed
	counselor.Sends["card"].MailedAt = mailed

	t.Run("ten days after the mailing, the email is due", func(t *testing.T) {
		if it := plan(mailed.AddDate(0, 0, 9))[1]; it.Due || it.Code != CodeWaiting || !it.At.Equal(mailed.AddDate(0, 0, 10)) {
			t.Errorf("nine days after: %+v", it)
		}
		if it := plan(mailed.AddDate(0, 0, 10))[1]; !it.Due || it.Step.ID != "email" {
			t.Errorf("ten days after: %+v", it)
		}
	})

	t.Run("not to a pastor who answered the card", func(t *testing.T) {
		pastor.EngagedAt = mailed.AddDate(0, 0, 3)
		if it := plan(mailed.AddDate(0, 0, 10))[1]; it.Due || it.Code != CodeReplied {
			t.Errorf("after an answer: %+v", it)
		}
	})
}

func TestALetterCampaignPassesOverContactsWithoutAnAddress(t *testing.T) {
	c := load(t, "testdata/by-post.toml")
	c.Steps = c.Steps[:1]
	f := Facts{Contact: &contact.Contact{ID: 1, Email: "tom@reyes.test", Kind: "therapist", Stage: contact.StageNew}}
	items := c.Plan([]Facts{f}, Options{Now: time.Now(), Pipeline: contact.DefaultPipeline(), Capacity: -1})
	if len(items) != 1 || items[0].Code != CodeNoAddress || !strings.Contains(items[0].Reason, "no complete postal address") {
		t.Errorf("%+v", items)
	}
}

func TestALetterIsPrintedOutsideTheSendWindow(t *testing.T) {
	c := load(t, "testdata/by-post.toml")
	win, _ := schedule.ParseWindow("Mon-Fri 09:00-17:00")
	f := Facts{Contact: &contact.Contact{ID: 1, Kind: "pastor", Stage: contact.StageNew,
		Address: contact.Address{Street: "200 Church St", City: "Springfield", PostalCode: "62708"}}}
	saturdayNight := time.Date(2026, 11, 28, 22, 0, 0, 0, c.Location)
	items := c.Plan([]Facts{f}, Options{Now: saturdayNight, Window: win, Pipeline: contact.DefaultPipeline(), Capacity: -1})
	if len(items) != 1 || !items[0].Due {
		t.Errorf("the send window paces emails, not printing: %+v", items)
	}
}
