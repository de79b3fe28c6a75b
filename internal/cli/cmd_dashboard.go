package cli

import (
	"context"
	"net"
	"time"

	"rapport/internal/web"
)

func cmdDashboard() *command {
	return &command{
		name:    "dashboard",
		summary: "the dashboard in your browser, without the daemon (`rapport run` serves it too)",
		help: `Serves the dashboard on [dashboard] listen (127.0.0.1:8750 unless set) until
stopped with Ctrl-C, and prints the link to open: it carries the dashboard's
key, which signs your browser in once. The key is kept beside the store,
readable only by you; delete that file to sign every browser out.`,
		example: "rapport dashboard",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			srv, err := a.dashboardServer(ctx)
			if err != nil {
				return err
			}
			ln, err := srv.Listen()
			if err != nil {
				return err
			}
			a.say("Your dashboard: %s\nOpen it in your browser; Ctrl-C stops it.", srv.URL())
			err = a.serveDashboard(ctx, srv, ln)
			if ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
}

// dashboardServer builds the dashboard over the run's use cases, with the
// key from [dashboard] token_env or the key file beside the store.
func (a *app) dashboardServer(ctx context.Context) (*web.Server, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	key, err := a.dashboardKey(st.Path())
	if err != nil {
		return nil, err
	}
	d := a.cfg.Dashboard
	o := &web.Options{Listen: d.Listen, Key: key, Hosts: d.Hosts, Log: a.log, Extras: a.dashboardExtras()}
	if d.TLSCert != "" {
		o.TLSCert, o.TLSKey = a.cfg.Resolve(d.TLSCert), a.cfg.Resolve(d.TLSKey)
	}
	return web.New(a.core(), o), nil
}

// dashboardKey is [dashboard] token_env's key, else the key file's (made
// at the first start).
func (a *app) dashboardKey(storePath string) (string, error) {
	env := a.cfg.Dashboard.TokenEnv
	if env == "" {
		return web.LoadKey(web.KeyPath(storePath))
	}
	key := a.env.Getenv(env)
	if len(key) < 32 {
		return "", invalidf("%s: [dashboard] token_env names %s, which must hold a key of 32 characters or more", a.cfg.Path, env)
	}
	return key, nil
}

// keyDashboard is where the process serving the dashboard notes its
// address, for `rapport status`.
const keyDashboard = "dashboard.address"

// serveDashboard serves on ln until ctx is done, noting the address for
// status while it does.
func (a *app) serveDashboard(ctx context.Context, srv *web.Server, ln net.Listener) error {
	a.st.SetSetting(ctx, keyDashboard, srv.Addr())
	defer a.st.SetSetting(context.WithoutCancel(ctx), keyDashboard, "")
	return srv.Serve(ctx, ln)
}

// dashboardURL is the link to the dashboard another process serves now,
// or "" when none answers.
func (a *app) dashboardURL(ctx context.Context) string {
	addr, _, ok, err := a.st.Setting(ctx, keyDashboard)
	if err != nil || !ok || addr == "" {
		return ""
	}
	c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond)
	if err != nil {
		return ""
	}
	c.Close()
	key, err := a.dashboardKey(a.st.Path())
	if err != nil {
		return ""
	}
	return web.LoginURL(addr, a.cfg.Dashboard.TLSCert != "", key)
}
