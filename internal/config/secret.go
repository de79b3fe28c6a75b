package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// ErrNoPassword is returned when a server section names no password source.
var ErrNoPassword = errors.New("no password")

// Secret resolves the server's password: from the environment variable
// password_env names, from the output of password_cmd (first line, trimmed),
// or from password itself. section is "smtp" or "imap", for messages. The
// value is never logged; errors never contain it.
func (s Server) Secret(ctx context.Context, section string) (string, error) {
	switch {
	case s.PasswordEnv != "":
		v, ok := os.LookupEnv(s.PasswordEnv)
		if !ok || v == "" {
			return "", fmt.Errorf("[%s] password_env: the environment variable %s is not set", section, s.PasswordEnv)
		}
		return v, nil
	case s.PasswordCmd != "":
		return runSecretCmd(ctx, section, s.PasswordCmd)
	case s.Password != "":
		return s.Password, nil
	}
	return "", fmt.Errorf("[%s]: %w: set password_env (recommended) or password_cmd", section, ErrNoPassword)
}

func runSecretCmd(ctx context.Context, section, command string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	if err := cmd.Run(); err != nil {
		// Neither of its outputs is ever shown: a helper may print the
		// secret or a token on either, and messages end up in logs.
		return "", fmt.Errorf("[%s] password_cmd failed (%v): run it yourself in a terminal to see why", section, err)
	}
	v := strings.TrimSpace(firstLine(out.String()))
	if v == "" {
		return "", fmt.Errorf("[%s] password_cmd printed nothing", section)
	}
	return v, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
