package render

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"text/template/parse"
)

// valueFuncs are the template functions whose result depends on a value,
// not only on whether it is empty: with one of them, two contacts with the
// same empty fields may still need different fields.
var valueFuncs = map[string]bool{"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
	"len": true, "index": true, "slice": true, "call": true}

// shapeCache remembers whether a template's strictness depends only on
// which fields are empty.
type shapeCache struct {
	once sync.Once
	ok   bool
}

// ShapeKey returns a key such that two inputs with the same key fail (or
// succeed) on the same missing fields: the emptiness of every field the
// strictness rules look at. ok is false when the template compares values
// (eq, len, index...), where only a full render can tell. `rapport
// campaigns plan` uses it to check thousands of contacts with one render
// per shape.
func (t *Template) ShapeKey(in Input) (key string, ok bool) {
	t.shape.once.Do(func() { t.shape.ok = !t.usesValueFuncs() })
	if !t.shape.ok || in.Contact == nil {
		return "", false
	}
	c := in.Contact
	var b strings.Builder
	bit := func(v string) {
		if v == "" {
			b.WriteByte('0')
		} else {
			b.WriteByte('1')
		}
	}
	for _, v := range []string{c.Email, c.FirstName, c.LastName, c.Title, c.Organization, c.Kind, c.Phone,
		c.Address.Street, c.Address.City, c.Address.Region, c.Address.PostalCode, c.Address.Country,
		c.Notes, c.TimeZone, string(c.Stage), c.Salutation(), c.FullName(), strings.Join(c.Tags, ","),
		in.Campaign, in.Step} {
		bit(v)
	}
	if in.Event != nil {
		b.WriteByte('e')
	}
	for _, k := range slices.Sorted(maps.Keys(c.Fields)) {
		if c.Fields[k] != "" {
			b.WriteString("|" + k)
		}
	}
	return b.String(), true
}

func (t *Template) usesValueFuncs() bool {
	for _, p := range []*part{t.subject, t.fromName, t.replyTo, t.body} {
		if p != nil && p.tmpl != nil && p.tmpl.Tree != nil && hasValueFunc(p.tmpl.Tree.Root) {
			return true
		}
	}
	return false
}

func hasValueFunc(n parse.Node) bool {
	found := false
	var walk func(parse.Node)
	walk = func(n parse.Node) {
		if n == nil || found {
			return
		}
		switch n := n.(type) {
		case *parse.IdentifierNode:
			found = found || valueFuncs[n.Ident]
		case *parse.ListNode:
			if n == nil { // an absent {{else}} is a typed nil
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(n)
	return found
}
