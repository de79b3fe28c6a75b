package render

import (
	"testing"

	"rapport/internal/contact"
)

func TestShapeKeyGroupsContactsThatFailAlike(t *testing.T) {
	tp, err := Parse("note", []byte("---\nsubject: Hello {{.Organization}}\n---\n{{salutation \"there\"}}, {{.Fields.specialty}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := Input{Contact: &contact.Contact{Email: "a@x.test", Organization: "Elm", Fields: map[string]string{"specialty": "peds"}}}
	b := Input{Contact: &contact.Contact{Email: "b@x.test", Organization: "Oak", Fields: map[string]string{"specialty": "ob"}}}
	c := Input{Contact: &contact.Contact{Email: "c@x.test", Organization: "Oak"}}
	ka, ok := tp.ShapeKey(a)
	kb, _ := tp.ShapeKey(b)
	kc, _ := tp.ShapeKey(c)
	if !ok || ka != kb || ka == kc {
		t.Errorf("keys: %q %q %q (ok %v)", ka, kb, kc, ok)
	}
	_, errA := tp.Render(a)
	_, errC := tp.Render(c)
	if errA != nil || errC == nil {
		t.Errorf("renders: %v / %v", errA, errC)
	}
	cmp, _ := Parse("cmp", []byte("---\nsubject: Hi\n---\n{{if eq .Kind \"physician\"}}{{.Title}}{{else}}{{.FirstName}}{{end}} hello\n"))
	if _, ok := cmp.ShapeKey(a); ok {
		t.Error("a template that compares values cannot be checked by shape")
	}
}
