// Command rapport sends personal outreach notes from your own mailbox and
// keeps track of who answered. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"rapport/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
