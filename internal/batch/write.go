package batch

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Files are where Write puts a run's PDFs; Envelopes and Labels are
// needed only when the run prints them.
type Files struct {
	Letters, Envelopes, Labels string
}

// output is one PDF to write.
type output struct {
	path string
	w    io.WriterTo
}

// Write writes the run's PDFs, each to a temporary file beside its place,
// synced, then renamed into place once all are written, the letters last:
// a letters' PDF that exists is complete, and so are its envelopes and
// labels. That is what lets a print batch interrupted by a crash be
// settled by looking for its letters' PDF. The folder is synced too, so
// that a letter recorded as printed is on disk.
func (r *Run) Write(f Files) error {
	var outs []output
	if r.env != nil {
		outs = append(outs, output{f.Envelopes, r.env})
	}
	if r.lab != nil {
		outs = append(outs, output{f.Labels, r.lab})
	}
	outs = append(outs, output{f.Letters, r.lt})
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for _, o := range outs {
		if o.path == "" {
			return fmt.Errorf("write the PDFs: no file name for one of them")
		}
		tmp, err := writeTemp(o.path, o.w)
		if err != nil {
			return err
		}
		tmps = append(tmps, tmp)
	}
	for i, o := range outs {
		if err := os.Rename(tmps[i], o.path); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
	}
	tmps = nil
	syncDir(filepath.Dir(f.Letters))
	return nil
}

func writeTemp(path string, w io.WriterTo) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := w.WriteTo(f); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}

// syncDir makes the renames in dir durable, where the system allows it
// (not on Windows, where a folder cannot be opened for it).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Temporaries lists the temporary files a Write to path may have left
// behind when it was interrupted.
func Temporaries(path string) []string {
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".*"))
	return m
}

func globEscape(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '*', '?', '[', '\\':
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(out)
}
