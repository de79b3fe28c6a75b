package contact

import (
	"fmt"
	"slices"
	"strings"
)

// Stage is where a contact stands in the user's pipeline.
type Stage string

// The stages rapport itself moves contacts to. A configured pipeline must
// contain them; it may add its own stages around them.
const (
	StageNew          Stage = "new"
	StageContacted    Stage = "contacted"
	StageReplied      Stage = "replied"
	StageMeeting      Stage = "meeting"
	StagePartner      Stage = "partner"
	StageBounced      Stage = "bounced"
	StageOptedOut     Stage = "opted-out"
	StageDoNotContact Stage = "do-not-contact"
)

// Pipeline is the ordered main path of stages plus the side stages a contact
// can leave it for. A contact in a side stage is never written to.
type Pipeline struct {
	Main []Stage
	Side []Stage
}

// DefaultPipeline is new → contacted → replied → meeting → partner, with the
// side stages bounced, opted-out and do-not-contact.
func DefaultPipeline() Pipeline {
	return Pipeline{
		Main: []Stage{StageNew, StageContacted, StageReplied, StageMeeting, StagePartner},
		Side: []Stage{StageBounced, StageOptedOut, StageDoNotContact},
	}
}

// NewPipeline builds a pipeline from configured names and checks that it
// holds the stages rapport moves contacts to, in an order that works.
func NewPipeline(main, side []string) (Pipeline, error) {
	p := Pipeline{}
	seen := map[Stage]bool{}
	add := func(list *[]Stage, names []string) error {
		for _, n := range names {
			s := Stage(NormalizeTag(n))
			if s == "" {
				return fmt.Errorf("a stage name is empty")
			}
			if seen[s] {
				return fmt.Errorf("stage %q is listed twice", s)
			}
			seen[s] = true
			*list = append(*list, s)
		}
		return nil
	}
	if err := add(&p.Main, main); err != nil {
		return p, err
	}
	if err := add(&p.Side, side); err != nil {
		return p, err
	}
	for _, need := range []Stage{StageNew, StageContacted, StageReplied} {
		if !slices.Contains(p.Main, need) {
			return p, fmt.Errorf("the pipeline must contain %q (rapport moves contacts there)", need)
		}
	}
	if !(p.index(StageNew) < p.index(StageContacted) && p.index(StageContacted) < p.index(StageReplied)) {
		return p, fmt.Errorf("the pipeline must keep the order new, contacted, replied")
	}
	for _, need := range []Stage{StageBounced, StageOptedOut, StageDoNotContact} {
		if !slices.Contains(p.Side, need) {
			return p, fmt.Errorf("the side stages must contain %q", need)
		}
	}
	return p, nil
}

func (p Pipeline) index(s Stage) int { return slices.Index(p.Main, s) }

// Valid reports whether s is a stage of this pipeline.
func (p Pipeline) Valid(s Stage) bool {
	return slices.Contains(p.Main, s) || slices.Contains(p.Side, s)
}

// IsSide reports whether s is a side stage (bounced, opted out, ...).
func (p Pipeline) IsSide(s Stage) bool { return slices.Contains(p.Side, s) }

// Suppressed reports whether a contact in stage s must not be written to.
func (p Pipeline) Suppressed(s Stage) bool { return p.IsSide(s) }

// All lists every stage, main path first.
func (p Pipeline) All() []Stage { return append(slices.Clone(p.Main), p.Side...) }

// Names lists every stage as text, for messages.
func (p Pipeline) Names() string {
	var out []string
	for _, s := range p.All() {
		out = append(out, string(s))
	}
	return strings.Join(out, ", ")
}

// AutoMove reports whether rapport may move a contact from one stage to
// another on its own (a send, a reply, a bounce). An automatic move never
// goes backwards along the main path and never leaves a side stage; moving
// to the stage a contact is already in is not a move.
func (p Pipeline) AutoMove(from, to Stage) bool {
	if from == to || p.IsSide(from) || !p.Valid(to) {
		return false
	}
	if p.IsSide(to) {
		return true
	}
	fi, ti := p.index(from), p.index(to)
	return fi < 0 || ti > fi
}

// Parse checks a stage name typed by a user against the pipeline.
func (p Pipeline) Parse(name string) (Stage, error) {
	s := Stage(NormalizeTag(name))
	if !p.Valid(s) {
		return "", fmt.Errorf("unknown stage %q (stages: %s)", name, p.Names())
	}
	return s, nil
}
