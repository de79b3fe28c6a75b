package cli

import (
	"flag"
	"fmt"
	"strings"
)

// globalFlags may come before the command name.
var globalFlags = map[string]bool{"config": true, "json": false, "q": false, "v": false}

// splitGlobals takes the global flags written before the command name.
func splitGlobals(args []string) (globals, rest []string) {
	for i := 0; i < len(args); i++ {
		name, hasValue := flagName(args[i])
		takesValue, ok := globalFlags[name]
		if !ok {
			return globals, args[i:]
		}
		globals = append(globals, args[i])
		if takesValue && !hasValue && i+1 < len(args) {
			i++
			globals = append(globals, args[i])
		}
	}
	return globals, nil
}

func flagName(arg string) (name string, hasValue bool) {
	if !strings.HasPrefix(arg, "-") || arg == "-" || arg == "--" {
		return "", false
	}
	name = strings.TrimLeft(arg, "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue
}

// parseInterleaved parses flags anywhere among the positional arguments, so
// that `rapport import contacts.xlsx --tag 2026` works as users expect.
// "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// listFlag collects a repeated flag: --tag a --tag b.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// mapFlag collects repeated 'Column=field' pairs.
type mapFlag map[string]string

func (m mapFlag) String() string { return "" }
func (m mapFlag) Set(v string) error {
	k, f, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(f) == "" {
		return fmt.Errorf("%q is not 'Column=field' (example: --map 'Office Email=email')", v)
	}
	m[strings.TrimSpace(k)] = strings.TrimSpace(f)
	return nil
}

// wantArgs checks the number of positional arguments.
func wantArgs(args []string, min, max int, what string) error {
	switch {
	case len(args) < min:
		return usagef("missing %s", what)
	case max >= 0 && len(args) > max:
		return usagef("unexpected argument %q", args[max])
	}
	return nil
}
