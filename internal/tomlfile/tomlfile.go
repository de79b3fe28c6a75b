// Package tomlfile decodes TOML files strictly and says where a problem is:
// an unknown key, a value of the wrong type or a value that fails
// validation is reported with the file, the line and the key, because the
// people who edit rapport's files are not programmers and need to find the
// line to fix. It imports only the standard library and BurntSushi/toml.
package tomlfile

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
)

// File is a decoded TOML file whose keys can be located.
type File struct {
	Path string
	src  string
	md   toml.MetaData
}

// Problem is something wrong at a place in a file.
type Problem struct {
	Path string
	Line int    // 0 when unknown
	Key  string // dotted, e.g. "smtp.port"
	Msg  string
}

func (p *Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Line > 0 {
		fmt.Fprintf(&b, " line %d", p.Line)
	}
	if p.Key != "" {
		fmt.Fprintf(&b, ": %s", p.Key)
	}
	b.WriteString(": " + p.Msg)
	return b.String()
}

// Read reads and strictly decodes path into v: a syntax error, a type
// mismatch or a key v has no place for is a *Problem naming the line.
func Read(path string, v any) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, string(data), v)
}

// Decode is Read on text already in memory; path is only used in messages.
func Decode(path, src string, v any) (*File, error) {
	f := &File{Path: path, src: src}
	md, err := toml.Decode(src, v)
	if err != nil {
		return nil, f.decodeError(err)
	}
	f.md = md
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0].String()
		return nil, f.Problem(k, fmt.Sprintf("unknown key %q (check its spelling and the section it is in)", lastPart(k)))
	}
	return f, nil
}

func (f *File) decodeError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Usage != "" {
			msg += " (" + strings.TrimSpace(strings.SplitN(pe.Usage, "\n", 2)[0]) + ")"
		}
		return &Problem{Path: f.Path, Line: pe.Position.Line, Key: pe.LastKey, Msg: msg}
	}
	return &Problem{Path: f.Path, Msg: err.Error()}
}

// Defined reports whether the dotted key ("sending.min_gap") is written in
// the file, so that an explicit zero is told apart from a key left out:
// only a key left out takes a default.
func (f *File) Defined(key string) bool {
	return f != nil && f.md.IsDefined(strings.Split(key, ".")...)
}

// Problem returns a *Problem about key (dotted, as in "sending.window"),
// located at the key's line when it can be found.
func (f *File) Problem(key, msg string) *Problem {
	return &Problem{Path: f.Path, Line: f.Line(key), Key: key, Msg: msg}
}

// Problemf is Problem with formatting.
func (f *File) Problemf(key, format string, args ...any) *Problem {
	return f.Problem(key, fmt.Sprintf(format, args...))
}

// Line returns the line (from 1) of the first occurrence of key, or of its
// table when the key itself is not written out, or 0. Keys of array tables
// ([[sources]]) are written without an index: "sources.path". An index may
// be given as "sources.1.path" to find the second entry's key.
func (f *File) Line(key string) int {
	want := strings.Split(key, ".")
	var table []string
	tableLine := 0
	counts := map[string]int{}
	for i, raw := range strings.Split(f.src, "\n") {
		line := strings.TrimSpace(stripComment(raw))
		if name, isArray, ok := header(line); ok {
			table = splitKey(name)
			if isArray {
				n := counts[name]
				counts[name]++
				table = append(table, fmt.Sprint(n))
			} else {
				table = inArray(table, counts)
			}
			if matches(table, want, true) {
				tableLine = i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if !ok || line == "" {
			continue
		}
		full := append(append([]string{}, table...), splitKey(strings.TrimSpace(k))...)
		if matches(full, want, false) {
			return i + 1
		}
	}
	return tableLine
}

// inArray places a sub-table of an array table under the entry it belongs
// to: [steps.event] after the second [[steps]] is steps.1.event.
func inArray(table []string, counts map[string]int) []string {
	for k := len(table) - 1; k > 0; k-- {
		if n := counts[strings.Join(table[:k], ".")]; n > 0 {
			return append(append(append([]string{}, table[:k]...), fmt.Sprint(n-1)), table[k:]...)
		}
	}
	return table
}

// matches compares a located key path with the wanted one; numeric parts of
// the located path (array-table indexes) may be absent from want. With
// prefix, have only needs to be a prefix of want (a table header).
func matches(have, want []string, prefix bool) bool {
	j := 0
	for _, h := range have {
		if j < len(want) && h == want[j] {
			j++
			continue
		}
		if isIndex(h) && j < len(want) && isIndex(want[j]) {
			return false // another entry of the same array
		}
		if isIndex(h) {
			continue
		}
		return false
	}
	return j == len(want) || (prefix && j > 0 && len(have) > 0)
}

func isIndex(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func header(line string) (name string, array, ok bool) {
	switch {
	case strings.HasPrefix(line, "[[") && strings.HasSuffix(line, "]]"):
		return strings.TrimSpace(line[2 : len(line)-2]), true, true
	case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
		return strings.TrimSpace(line[1 : len(line)-1]), false, true
	}
	return "", false, false
}

func splitKey(k string) []string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return parts
}

// stripComment drops a # comment that is not inside a string.
func stripComment(s string) string {
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		case quote == 0 && r == '#':
			return s[:i]
		}
	}
	return s
}

func lastPart(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}
