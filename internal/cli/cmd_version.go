package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is rapport's version, set at build time with
// -ldflags "-X rapport/internal/cli.Version=1.2.0"; otherwise the module's
// version or the source commit is shown.
var Version = ""

func cmdVersion() *command {
	return &command{
		name:    "version",
		summary: "rapport's version and how it was built",
		example: "rapport version\nrapport --version",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			if a.json {
				return a.printJSON(buildInfo())
			}
			a.say("%s", versionLine())
			return nil
		},
	}
}

type versionJSON struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Time     string `json:"commit_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

func buildInfo() versionJSON {
	v := versionJSON{Version: Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	if v.Version == "" {
		v.Version = "development build"
	}
	return v
}

func versionLine() string {
	v := buildInfo()
	s := "rapport " + v.Version
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (commit " + c
		if v.Time != "" {
			s += " of " + v.Time
		}
		if v.Modified {
			s += ", with local changes"
		}
		s += ")"
	}
	return fmt.Sprintf("%s, %s on %s", s, v.Go, v.Platform)
}
