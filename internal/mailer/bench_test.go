package mailer

import (
	"context"
	"fmt"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rapport/internal/localmail"
)

const benchBatch = 2000

// benchMessages pre-builds the batch: 2,000 personalized notes.
func benchMessages(b *testing.B) []*gomail.Msg {
	b.Helper()
	msgs := make([]*gomail.Msg, benchBatch)
	for i := range msgs {
		m := sampleMessage()
		m.To = fmt.Sprintf("office%04d@clinic.test", i)
		m.ToName = fmt.Sprintf("Front Desk %d", i)
		m.MessageID = NewMessageID("drlee.test", time.Now())
		msg, err := Build(m)
		if err != nil {
			b.Fatal(err)
		}
		msgs[i] = msg
	}
	return msgs
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(benchBatch*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkBareGoMail is the baseline: a plain go-mail client, one
// connection, no TLS, to localmail on loopback, sending pre-built messages.
func BenchmarkBareGoMail(b *testing.B) {
	srv := mailServer(b, localmail.Options{})
	gm, err := gomail.NewClient("127.0.0.1", gomail.WithPort(port(b, srv.SMTPAddr())), gomail.WithTLSPolicy(gomail.NoTLS))
	if err != nil {
		b.Fatal(err)
	}
	if err := gm.DialWithContext(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer gm.Close()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		msgs := benchMessages(b)
		b.StartTimer()
		for _, msg := range msgs {
			if err := gm.Send(msg); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportRate(b)
}

// BenchmarkClientSend is the same batch through Client.Send, with its
// classification, step deadlines and context guard.
func BenchmarkClientSend(b *testing.B) {
	srv := mailServer(b, localmail.Options{})
	c, err := New(Options{Host: "127.0.0.1", Port: port(b, srv.SMTPAddr()), Security: None})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		msgs := benchMessages(b)
		b.StartTimer()
		for _, msg := range msgs {
			if res := c.Send(ctx, msg); res.Outcome != Sent {
				b.Fatal(res)
			}
		}
	}
	reportRate(b)
	if n := srv.SMTPConnections(); n != 1 {
		b.Errorf("%d connections", n)
	}
}
