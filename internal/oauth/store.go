package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// TokenStore keeps the grant between runs. Load returns an error wrapping
// ErrNotSignedIn when it holds none.
type TokenStore interface {
	Load(ctx context.Context) (*Grant, error)
	Save(ctx context.Context, g *Grant) error
	// Where says where the grant is kept, for messages.
	Where() string
}

// TokenPath is the token file beside the store: rapport.db gives
// rapport.oauth.json.
func TokenPath(storePath string) string {
	return strings.TrimSuffix(storePath, filepath.Ext(storePath)) + ".oauth.json"
}

// FileStore keeps the grant in a file only its owner can read (0600).
type FileStore struct{ Path string }

var _ TokenStore = FileStore{}

// Where is the file's path.
func (f FileStore) Where() string { return f.Path }

// Load reads the grant. A file others can read is refused: the refresh
// token in it is as good as the mailbox's password.
func (f FileStore) Load(context.Context) (*Grant, error) {
	fi, err := os.Stat(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (no %s)", ErrNotSignedIn, f.Path)
	}
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%s holds your sign-in and other users of this computer can read it (mode %04o): run `chmod 600 %s`",
			f.Path, fi.Mode().Perm(), f.Path)
	}
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w", err)
	}
	return decodeGrant(b, f.Path)
}

// Save replaces the file atomically: a crash leaves the old grant or the
// new one, never half of one. The file is created 0600.
func (f FileStore) Save(_ context.Context, g *Grant) error {
	b, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), ".oauth-*.tmp")
	if err != nil {
		return fmt.Errorf("token file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("token file: %w", err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("token file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("token file: %w", err)
	}
	return nil
}

func decodeGrant(b []byte, where string) (*Grant, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w (%s is empty)", ErrNotSignedIn, where)
	}
	var g Grant
	if err := json.Unmarshal(b, &g); err != nil {
		// The JSON error may quote the content: say only where it is.
		return nil, fmt.Errorf("%s does not hold a sign-in rapport can read; run `rapport login` again", where)
	}
	if g.RefreshToken == "" && g.AccessToken == "" {
		return nil, fmt.Errorf("%w (%s holds no token)", ErrNotSignedIn, where)
	}
	return &g, nil
}

// CommandStore hands the grant to a command the user chose (token_cmd),
// such as a keyring helper: "CMD get" prints the grant's JSON as it was
// given (nothing, or a silent failure, when there is none), "CMD store"
// reads it on stdin. The command runs through sh, with get or store as its
// first argument.
type CommandStore struct {
	Cmd     string
	Timeout time.Duration // each run; 0 means 30 s
}

var _ TokenStore = CommandStore{}

// Where names the command.
func (c CommandStore) Where() string { return "token_cmd (" + c.Cmd + ")" }

// Load runs "CMD get".
func (c CommandStore) Load(ctx context.Context) (*Grant, error) {
	out, err := c.run(ctx, "get", nil)
	if err != nil {
		return nil, err
	}
	return decodeGrant(out, "the output of token_cmd get")
}

// Save runs "CMD store" with the grant on stdin.
func (c CommandStore) Save(ctx context.Context, g *Grant) error {
	b, err := json.Marshal(g)
	if err != nil {
		return err
	}
	_, err = c.run(ctx, "store", b)
	return err
}

func (c CommandStore) run(ctx context.Context, action string, stdin []byte) ([]byte, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", c.Cmd+` "$@"`, "token_cmd", action)
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(stdin), &out, &errOut
	if err := cmd.Run(); err != nil {
		if action == "get" && out.Len() == 0 && errOut.Len() == 0 {
			// A keyring helper with nothing kept fails quietly
			// (secret-tool lookup exits 1).
			return nil, fmt.Errorf("%w (token_cmd get found nothing)", ErrNotSignedIn)
		}
		// Its stderr may explain (a locked keyring); its stdout may hold
		// the grant, so it is never shown.
		msg, _, _ := strings.Cut(strings.TrimSpace(errOut.String()), "\n")
		if msg != "" {
			msg = ": " + msg
		}
		return nil, fmt.Errorf("[oauth] token_cmd %s failed (%v)%s", action, err, msg)
	}
	return out.Bytes(), nil
}
