package letters

import (
	"os"
	"testing"
	"time"

	"rapport/internal/contact"
)

const sampleText = `Dear Pastor Kim,

My name is Anna Lee, and I'm a therapist in private practice here in Springfield. I know how often people come to you first when life gets hard, and I wanted to say hello.

I'd love to hear what needs you see most in your congregation, and how I could make it easy to refer someone to me. If I'm not the right fit for someone, I'll help them find a colleague who is.

Could I stop by for 10 or 15 minutes some afternoon? A short call works just as well: I'm at (555) 010-2030.

Warmly,
Anna Lee, LMFT
Lee Family Therapy · (555) 010-2030`

func TestScratch(t *testing.T) {
	for _, f := range Formats {
		b, err := NewLetters(&Options{Format: f, From: Sender{Name: "Anna Lee, LMFT", Address: ReturnAddress("Lee Family Therapy", "12 Elm Street, Suite 4, Springfield, IL 62701")}})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"a", "b", "c"} {
			p, err := b.Add(Letter{To: Recipient{Name: "Pastor Daniel Kim", Organization: "Grace Community Church", Address: contact.Address{Street: "200 Church St", City: "Springfield", Region: "IL", PostalCode: "62708"}},
				Contact: "Pastor Kim", Seed: n, Date: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), Text: sampleText})
			if err != nil {
				t.Fatal(err)
			}
			t.Log(f, p)
		}
		fh, _ := os.Create("/tmp/lt-" + string(f) + ".pdf")
		if _, err := b.WriteTo(fh); err != nil {
			t.Fatal(err)
		}
		fh.Close()
	}
}

func TestScratchEnv(t *testing.T) {
	o := &Options{From: Sender{Name: "Anna Lee, LMFT", Address: ReturnAddress("Lee Family Therapy", "12 Elm Street, Suite 4, Springfield, IL 62701")}}
	to := Recipient{Name: "Pastor Daniel Kim", Organization: "Grace Community Church", Address: contact.Address{Street: "200 Church St", City: "Springfield", Region: "IL", PostalCode: "62708"}}
	for _, s := range EnvelopeSizes {
		e, err := NewEnvelopes(s, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Add(to, "kim", "x"); err != nil {
			t.Fatal(err)
		}
		fh, _ := os.Create("/tmp/le-" + string(s) + ".pdf")
		e.WriteTo(fh)
		fh.Close()
	}
	for _, s := range LabelSheets {
		l, err := NewLabels(s, 4, o)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 30; i++ {
			if err := l.Add(to, "kim", "x"); err != nil {
				t.Fatal(err)
			}
		}
		fh, _ := os.Create("/tmp/ll-" + string(s) + ".pdf")
		l.WriteTo(fh)
		fh.Close()
	}
}
