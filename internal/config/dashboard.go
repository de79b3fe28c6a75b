package config

import (
	"errors"
	"net"
	"os"
	"strings"

	"rapport/internal/imapconn"
)

// validateDashboard keeps the dashboard on this computer unless the user
// says otherwise in so many words, and then only over TLS.
func (c *Config) validateDashboard(p *problems) {
	d := &c.Dashboard
	host, _, err := net.SplitHostPort(d.Listen)
	if err != nil {
		p.add("dashboard.listen", "%q is not host:port", d.Listen)
		return
	}
	if (d.TLSCert == "") != (d.TLSKey == "") {
		p.add("dashboard.tls_cert", "tls_cert and tls_key go together: the certificate and its private key")
	}
	for _, k := range []struct{ key, path string }{{"dashboard.tls_cert", d.TLSCert}, {"dashboard.tls_key", d.TLSKey}} {
		if k.path == "" {
			continue
		}
		if _, err := os.Stat(c.Resolve(k.path)); err != nil {
			p.add(k.key, "cannot read %s: %v", k.path, errors.Unwrap(err))
		}
	}
	for _, h := range d.Hosts {
		if strings.ContainsAny(h, "/ \t") || h == "" {
			p.add("dashboard.hosts", "%q is not a host name (like office-mac.local)", h)
		}
	}
	if imapconn.IsLoopback(host) {
		return
	}
	switch {
	case !d.AllowNetwork:
		p.add("dashboard.listen", "the dashboard only listens on this machine (127.0.0.1); %q would open it to the network: "+
			"set allow_network = true and give tls_cert and tls_key if that is what you want", d.Listen)
	case d.TLSCert == "" || d.TLSKey == "":
		p.add("dashboard.listen", "%q opens the dashboard to the network, which needs tls_cert and tls_key (HTTPS): "+
			"without them anyone on the network could read your contacts in passing", d.Listen)
	}
}
