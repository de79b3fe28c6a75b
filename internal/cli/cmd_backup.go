package cli

import (
	"context"
	"errors"
	"flag"
	"os"

	"rapport/internal/store"
)

func cmdBackup() *command {
	var force bool
	return &command{
		name:    "backup",
		args:    "FILE [--force]",
		summary: "a consistent copy of your records, safe while rapport runs",
		help: `Copies the store (contacts, history, what was sent, referrals) to FILE as one
consistent snapshot, even while ` + "`rapport run`" + ` is sending or reading mail. The copy
is readable only by you, and is checked before it replaces anything; an
existing FILE is kept unless you add --force. The README shows how to run it
every night with cron or a systemd timer. Keep backups somewhere safe: they
hold your contacts.`,
		example: "rapport backup ~/Backups/rapport-$(date +%F).db",
		setup:   func(fs *flag.FlagSet) { fs.BoolVar(&force, "force", false, "replace FILE if it exists") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the file to write the copy to"); err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			err = st.Backup(ctx, args[0], force)
			if errors.Is(err, store.ErrBackupExists) {
				return invalidf("%s already exists: nothing was written (choose another name, or add --force to replace it)", args[0])
			}
			if err != nil {
				return err
			}
			fi, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"file": args[0], "bytes": fi.Size()})
			}
			a.say("backed up %s to %s (%.1f MB)", st.Path(), args[0], float64(fi.Size())/1e6)
			return nil
		},
	}
}
