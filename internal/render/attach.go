package render

import (
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"
)

// Attachment is a file sent with the note.
type Attachment struct {
	Name        string // the file name the contact sees
	Path        string // where it was read
	ContentType string
	Data        []byte
}

// maxAttachments caps what one note carries: a personal note with a
// brochure is small, and many servers refuse messages over 10–25 MB.
const maxAttachments = 10 << 20

func (t *Template) attachmentPath(e entry) string {
	if filepath.IsAbs(e.value) {
		return e.value
	}
	return filepath.Join(t.Dir, e.value)
}

// checkAttachments tells at load time, with the line, about a file that
// is not there, rather than at the first send.
func (t *Template) checkAttachments() error {
	for _, e := range t.attachments {
		if _, err := os.Stat(t.attachmentPath(e)); err != nil {
			return errorAt(t.Path, e.line, "attachment %q cannot be read: %v", e.value, err)
		}
	}
	return nil
}

// readAttachments reads the files now, so that the note carries the
// brochure as it is on disk today.
func (t *Template) readAttachments() ([]Attachment, error) {
	var out []Attachment
	total := 0
	for _, e := range t.attachments {
		path := t.attachmentPath(e)
		data, err := readFile(path, maxAttachments-total)
		if err != nil {
			return nil, errorAt(t.Path, e.line, "attachment %q: %v", e.value, err)
		}
		total += len(data)
		out = append(out, Attachment{Name: filepath.Base(path), Path: path, ContentType: contentType(path), Data: data})
	}
	return out, nil
}

// readFile reads a regular file of at most limit bytes: a device or a
// folder named by mistake must not hang or swamp a send.
func readFile(path string, limit int) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return nil, err
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a file", path)
	case fi.Size() > int64(limit):
		return nil, fmt.Errorf("the attachments add up to more than %d MB; a note should stay small", maxAttachments>>20)
	}
	return os.ReadFile(path)
}

func contentType(path string) string {
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(path)))
	if ct == "" {
		return "application/octet-stream"
	}
	return ct
}
