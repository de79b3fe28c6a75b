package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyPath is where the dashboard's key is kept for the store at
// storePath: beside it, readable by its owner only.
func KeyPath(storePath string) string {
	return strings.TrimSuffix(storePath, filepath.Ext(storePath)) + ".dashboard-key"
}

// LoadKey reads the dashboard's key from path, making a new random one
// (mode 0600) the first time. A key file others can read is refused: it
// opens the dashboard.
func LoadKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return makeKey(path)
	}
	if err != nil {
		return "", fmt.Errorf("dashboard key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("dashboard key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s opens your dashboard and other users of this computer can read it (mode %04o): run `chmod 600 %s`",
			path, fi.Mode().Perm(), path)
	}
	key := strings.TrimSpace(string(b))
	if len(key) < 32 {
		return "", fmt.Errorf("%s is too short to be a dashboard key: delete it and rapport makes a new one", path)
	}
	return key, nil
}

// makeKey writes a new key; O_EXCL makes two first starts agree on one.
func makeKey(path string) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	key := base64.RawURLEncoding.EncodeToString(b)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadKey(path)
	}
	if err != nil {
		return "", fmt.Errorf("dashboard key: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return "", fmt.Errorf("dashboard key: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("dashboard key: %w", err)
	}
	return key, nil
}

// session is the cookie value a key grants: derived from the key, so it
// survives a restart and dies with the key, and the key itself never
// travels in a cookie.
func session(key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("rapport dashboard session v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// equal compares secrets in constant time.
func equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
