package oauth

import (
	"errors"
	"os/exec"
	"runtime"
)

// ErrNoBrowser means no command to open a browser was found.
var ErrNoBrowser = errors.New("no browser opener (xdg-open or open) found")

// OpenBrowser opens url with xdg-open (Linux, BSD) or open (macOS) when
// one is installed, without waiting for the browser. The caller prints the
// address as well: on a server there is no browser to open.
func OpenBrowser(url string) error {
	name := "xdg-open"
	if runtime.GOOS == "darwin" {
		name = "open"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return ErrNoBrowser
	}
	cmd := exec.Command(path, url)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; its exit status does not matter
	return nil
}
