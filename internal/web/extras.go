package web

import (
	"context"
	"time"
)

// Extras are the parts of the dashboard whose records other parts of
// rapport keep: visits and referrals (the contact book), invitations
// with their answers, and print batches. Each is one use case to wire; a
// nil one hides its part (its page, its form and its menu entry).
type Extras struct {
	// LogVisit records a visit, a call or cookies dropped off, at a moment
	// (now for today, noon of a past day).
	LogVisit func(ctx context.Context, contactID int64, on time.Time, text string) error
	// AddReferral records referrals received from a contact at a moment.
	AddReferral func(ctx context.Context, contactID int64, on time.Time, count int, note string) error
	// Referrals lists the referrals received, newest first.
	Referrals func(ctx context.Context) ([]Referral, error)
	// Invitations lists the events people were invited to, with answers.
	Invitations func(ctx context.Context) ([]Invitation, error)
	// Batches lists print batches, newest first; MarkMailed records the
	// day one was posted (its first instant, in the user's zone): the
	// next step's delay starts then.
	Batches    func(ctx context.Context) ([]Batch, error)
	MarkMailed func(ctx context.Context, batchID int64, on time.Time) error
}

func (x Extras) parts() Parts {
	return Parts{Visits: x.LogVisit != nil, Referrals: x.Referrals != nil,
		Events: x.Invitations != nil, Letters: x.Batches != nil}
}

// Referral is referrals received from a source on one day; never who
// the clients were.
type Referral struct {
	ID        int64
	ContactID int64
	Source    string // the contact, as a label
	Kind      string
	On        time.Time
	Count     int
	Note      string
}

// Invitation is an event people were invited to.
type Invitation struct {
	Name     string // the campaign and step it belongs to
	Title    string
	Start    time.Time
	Location string
	Capacity int // 0: no limit
	Answers  []Answer
}

// Answer is one person's answer to an invitation.
type Answer struct {
	ContactID int64
	Who       string
	Answer    string // accepted, declined, maybe, waitlist, no answer
	At        time.Time
}

// Batch is one print run of a campaign's letter step.
type Batch struct {
	ID       int64
	Campaign string
	Step     string
	Letters  int
	Printed  time.Time
	Mailed   time.Time // zero until marked
	Files    []BatchFile
}

// BatchFile is one PDF of a batch: the letters, envelopes or labels.
type BatchFile struct {
	Name string // "letters.pdf"
	Path string // on this computer
}
