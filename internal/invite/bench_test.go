package invite

import (
	"fmt"
	"testing"
)

// BenchmarkRequest1000 builds the calendars of 1,000 invitations to one
// event, one per guest, as a campaign's invite step does. The target for
// a whole invitation (note and calendar) is 1,000 in under a second.
func BenchmarkRequest1000(b *testing.B) {
	e := meetAndGreet(b)
	guests := make([]Person, 1000)
	for i := range guests {
		guests[i] = Person{Name: fmt.Sprintf("Dr. Guest %d, MD", i), Email: fmt.Sprintf("guest%d@clinic%d.test", i, i%50)}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, g := range guests {
			if _, err := (Invitation{Event: e, Organizer: organizer, Attendee: g, Stamp: stamp}).Request(); err != nil {
				b.Fatal(err)
			}
		}
	}
}
