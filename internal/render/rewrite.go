package render

import (
	"strconv"
	"strings"
	"text/template/parse"
)

// The strictness of rapport's templates is built into the parse tree:
// after text/template parses a template, rewrite walks the tree and
//
//   - wraps every field reference that nothing guards in a call to
//     __req, which records a *FieldError when the value is missing or
//     empty (and names the field and its line);
//   - appends __out to the pipeline of every action that prints, which
//     turns the value into data the Markdown can't see (a placeholder; see
//     placeholder.go) and refuses an empty result, the last net under
//     "Dear ,".
//
// A field is guarded when it is an argument of a fallback (default, first,
// or), flows into one through a pipe, or was tested by a surrounding
// {{if}} or {{with}}. The names __req and __out cannot be typed in a
// template: they exist only at execution time.
const (
	fnRequired = "__req"
	fnOut      = "__out"
)

// fallbacks are the helpers whose arguments may be empty: they exist to
// supply something else.
var fallbacks = map[string]bool{"default": true, "first": true, "or": true}

// fieldRef is one wrapped field reference.
type fieldRef struct {
	name   string // ".Title", ".Fields.specialty", ".Sender.BookingURL", "$x.Y"
	line   int
	custom string // KEY when the reference is .Fields.KEY from the root
	act    int    // the printing action it sits in
}

// action is one {{...}} that prints.
type action struct {
	expr       string // the pipeline as written (normalized), for messages
	line       int
	allowEmpty bool     // the template chose {{default "" ...}}
	fields     []string // the fields it prints, from the root, for hints
	header     bool     // part of a header: no line breaks, no placeholders
}

// scope is what the walker knows at a point of the tree.
type scope struct {
	dot     string          // what dot is, from the root: "" at the root, ".Sender" in {{with .Sender}}, "?" unknown
	guarded map[string]bool // fields a surrounding {{if}}/{{with}} tested
}

func (s scope) guard(names []string) scope {
	g := make(map[string]bool, len(s.guarded)+len(names))
	for k := range s.guarded {
		g[k] = true
	}
	for _, n := range names {
		g[n] = true
	}
	return scope{dot: s.dot, guarded: g}
}

// rewriter walks one part (the subject, the body...) of a template.
type rewriter struct {
	t      *Template
	src    string // the text parsed, lines aligned with the file
	header bool
	err    error // the first mistake found; the walk goes on but reports this one
}

func (rw *rewriter) line(pos parse.Pos) int {
	p := min(int(pos), len(rw.src))
	return 1 + strings.Count(rw.src[:p], "\n")
}

func (rw *rewriter) fail(pos parse.Pos, format string, args ...any) {
	if rw.err == nil {
		rw.err = errorAt(rw.t.Path, rw.line(pos), format, args...)
	}
}

func (rw *rewriter) walk(list *parse.ListNode, sc scope) {
	if list == nil {
		return
	}
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			rw.action(n, sc)
		case *parse.IfNode:
			rw.branch(&n.BranchNode, sc, false)
		case *parse.WithNode:
			rw.branch(&n.BranchNode, sc, true)
		case *parse.RangeNode:
			rw.refs(n.Pipe, sc)
			rw.walk(n.List, scope{dot: "?", guarded: sc.guarded})
			rw.walk(n.ElseList, sc)
		case *parse.TemplateNode:
			rw.fail(n.Pos, "{{template}} is not supported: write the text in this file")
		}
	}
}

// branch handles {{if}} and {{with}}: what the condition tests is known to
// be non-empty inside, and {{with .X}} moves dot to .X.
func (rw *rewriter) branch(b *parse.BranchNode, sc scope, with bool) {
	inner := sc.guard(rw.refs(b.Pipe, sc))
	if with {
		inner.dot = "?"
		if name, ok := singleField(b.Pipe, sc); ok {
			inner.dot = name
		}
	}
	rw.walk(b.List, inner)
	rw.walk(b.ElseList, sc)
}

// singleField reports the root name of a pipeline that is one field alone.
func singleField(p *parse.PipeNode, sc scope) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	name, root := refName(p.Cmds[0].Args[0], sc)
	return name, root
}

// action rewrites one {{...}}: a declaration prints nothing and is left as
// it is; anything else gets its fields checked and its output made safe.
func (rw *rewriter) action(n *parse.ActionNode, sc scope) {
	if len(n.Pipe.Decl) > 0 {
		rw.refs(n.Pipe, sc)
		return
	}
	idx := len(rw.t.acts)
	rw.t.acts = append(rw.t.acts, action{
		expr:       n.Pipe.String(),
		line:       rw.line(n.Pos),
		allowEmpty: emptyChosen(n.Pipe),
		header:     rw.header,
		fields:     rw.refs(n.Pipe, sc),
	})
	rw.wrapPipe(n.Pipe, sc, idx, false)
	n.Pipe.Cmds = append(n.Pipe.Cmds, command(n.Pos, fnOut, idx, nil))
}

// emptyChosen reports whether the template asked for an empty result in
// so many words, as in {{default "" .Title}}: only then may an action
// print nothing.
func emptyChosen(p *parse.PipeNode) bool {
	for _, c := range p.Cmds {
		if callee(c) != "default" || len(c.Args) < 2 {
			continue
		}
		if s, ok := c.Args[1].(*parse.StringNode); ok && strings.TrimSpace(s.Text) == "" {
			return true
		}
	}
	return false
}

// callee is the name of the function a command calls, or "".
func callee(c *parse.CommandNode) string {
	if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
		return id.Ident
	}
	return ""
}

// wrapPipe wraps the unguarded fields of a printing pipeline. A command up
// to the last fallback of the pipeline is guarded: in
// {{.FirstName | default "there"}} the empty first name flows into default.
func (rw *rewriter) wrapPipe(p *parse.PipeNode, sc scope, act int, guarded bool) {
	last := -1
	for i, c := range p.Cmds {
		if fallbacks[callee(c)] {
			last = i
		}
	}
	for i, c := range p.Cmds {
		rw.wrapCommand(c, sc, act, guarded || i <= last)
	}
}

func (rw *rewriter) wrapCommand(c *parse.CommandNode, sc scope, act int, guarded bool) {
	for j, arg := range c.Args {
		if sub, ok := arg.(*parse.PipeNode); ok {
			rw.wrapPipe(sub, sc, act, guarded)
			continue
		}
		name, root, ok := rw.ref(arg, sc)
		if !ok || guarded || sc.guarded[name] || container(name) {
			continue
		}
		if j == 0 && len(c.Args) > 1 {
			continue // a method call with arguments; text/template reports misuse
		}
		c.Args[j] = rw.required(arg, name, root, act)
	}
}

// required builds (__req N FIELD) and records what N stands for.
func (rw *rewriter) required(arg parse.Node, name string, root bool, act int) parse.Node {
	ref := fieldRef{name: name, line: rw.line(arg.Position()), act: act}
	if key, ok := strings.CutPrefix(name, ".Fields."); ok && root {
		ref.custom = key
	}
	idx := len(rw.t.refs)
	rw.t.refs = append(rw.t.refs, ref)
	cmd := command(arg.Position(), fnRequired, idx, arg)
	return &parse.PipeNode{NodeType: parse.NodePipe, Pos: arg.Position(), Cmds: []*parse.CommandNode{cmd}}
}

// command builds the command `fn idx [arg]`.
func command(pos parse.Pos, fn string, idx int, arg parse.Node) *parse.CommandNode {
	num := &parse.NumberNode{NodeType: parse.NodeNumber, Pos: pos, IsInt: true, Int64: int64(idx), Text: strconv.Itoa(idx)}
	args := []parse.Node{parse.NewIdentifier(fn).SetPos(pos), num}
	if arg != nil {
		args = append(args, arg)
	}
	return &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: args}
}

// refs validates and records the fields of a pipeline that is not printed
// (a condition, a range, a declaration) and returns their names.
func (rw *rewriter) refs(p *parse.PipeNode, sc scope) []string {
	if p == nil {
		return nil
	}
	var names []string
	for _, c := range p.Cmds {
		for _, arg := range c.Args {
			if sub, ok := arg.(*parse.PipeNode); ok {
				names = append(names, rw.refs(sub, sc)...)
			} else if name, _, ok := rw.ref(arg, sc); ok {
				names = append(names, name)
			}
		}
	}
	return names
}

// ref names a field reference, checks a root one against what a template
// can see, and remembers it for Fields.
func (rw *rewriter) ref(n parse.Node, sc scope) (name string, root, ok bool) {
	switch n.(type) {
	case *parse.FieldNode, *parse.VariableNode:
	default:
		return "", false, false
	}
	name, root = refName(n, sc)
	if name == "" {
		return "", false, false
	}
	if root {
		if msg := checkName(name); msg != "" {
			rw.fail(n.Position(), "%s", msg)
		}
		rw.t.fields[name] = true
	}
	return name, root, true
}

// refName spells a field reference from the root when it can (root is
// then true): .BookingURL inside {{with .Sender}} is .Sender.BookingURL.
func refName(n parse.Node, sc scope) (string, bool) {
	switch n := n.(type) {
	case *parse.FieldNode:
		rel := "." + strings.Join(n.Ident, ".")
		if sc.dot == "?" {
			return rel, false
		}
		return sc.dot + rel, true
	case *parse.VariableNode:
		if len(n.Ident) < 2 {
			return "", false // $ or $x alone is not a field
		}
		if n.Ident[0] == "$" {
			return "." + strings.Join(n.Ident[1:], "."), true
		}
		return strings.Join(n.Ident, "."), false
	}
	return "", false
}

// container reports whether a name is a group of fields rather than a
// value: an empty .Fields is no reason to fail {{index .Fields "2024"}}.
func container(name string) bool {
	return name == ".Fields" || name == ".Sender" || name == ".Event"
}
