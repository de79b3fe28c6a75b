package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"rapport"
	"rapport/internal/config"
	"rapport/internal/contact"
)

// initConfig is the sample config with the address and the provider's
// servers filled in; nil (the sample as it is) without --email.
func (a *app) initConfig(ctx context.Context, email, provider string) ([]byte, config.Preset, error) {
	if email == "" {
		if provider != "" {
			return nil, config.Preset{}, usagef("--provider goes with --email ADDRESS")
		}
		return nil, config.Preset{}, nil
	}
	addr, err := contact.NormalizeEmail(email)
	if err != nil {
		return nil, config.Preset{}, usagef("--email: %v", err)
	}
	p, err := a.presetFor(ctx, addr, provider)
	if err != nil {
		return nil, config.Preset{}, err
	}
	sample, err := rapport.Samples.ReadFile("config.example.toml")
	if err != nil {
		return nil, config.Preset{}, err
	}
	out, err := config.ApplyPreset(sample, addr, p)
	return out, p, err
}

// presetFor picks the provider: named, known from the domain, found from
// the domain's MX records, or asked.
func (a *app) presetFor(ctx context.Context, addr, provider string) (config.Preset, error) {
	if provider != "" {
		if provider == "other" {
			return config.Preset{}, nil
		}
		p, ok := config.PresetByName(provider)
		if !ok {
			return p, usagef("--provider %q is not one of google, microsoft, icloud, fastmail, other", provider)
		}
		return p, nil
	}
	_, domain, _ := strings.Cut(addr, "@")
	if p, ok := config.PresetForDomain(domain); ok {
		return p, nil
	}
	hosts, err := a.lookupMX(ctx, domain)
	if err == nil {
		if p, ok := config.PresetForMX(hosts); ok {
			a.note("%s's mail is handled by %s (%s); using its settings.", domain, p.Title, hosts[0])
			return p, nil
		}
	}
	why := "its mail servers (" + strings.Join(hosts, ", ") + ") are not a provider rapport knows"
	if err != nil {
		why = "its mail servers could not be looked up (is this computer offline?)"
	}
	if f, ok := a.env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return askProvider(a.env.Stdin, a.stderr, domain, why)
	}
	return config.Preset{}, usagef("could not tell who provides the mail of %s: %s; pass --provider google, microsoft, icloud, fastmail or other", domain, why)
}

func (a *app) lookupMX(ctx context.Context, domain string) ([]string, error) {
	look := a.env.LookupMX
	if look == nil {
		look = net.DefaultResolver.LookupMX
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	mx, err := look(ctx, domain)
	if err != nil {
		return nil, err
	}
	hosts := make([]string, 0, len(mx))
	for _, m := range mx {
		hosts = append(hosts, strings.TrimSuffix(m.Host, "."))
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("no MX records")
	}
	return hosts, nil
}

// askProvider lets the user pick at a terminal.
func askProvider(in io.Reader, out io.Writer, domain, why string) (config.Preset, error) {
	fmt.Fprintf(out, "rapport could not tell who provides the mail of %s: %s.\nWho is it?\n", domain, why)
	choices := append(slices.Clone(config.PresetNames), "other")
	for i, name := range choices {
		title := "another provider (you fill in its servers in rapport.toml)"
		if p, ok := config.PresetByName(name); ok {
			title = p.Title
		}
		fmt.Fprintf(out, "  %d) %s\n", i+1, title)
	}
	sc := bufio.NewScanner(in)
	for {
		fmt.Fprintf(out, "Choose 1-%d: ", len(choices))
		if !sc.Scan() {
			return config.Preset{}, usagef("no provider chosen; pass --provider google, microsoft, icloud, fastmail or other")
		}
		n, err := strconv.Atoi(strings.TrimSpace(sc.Text()))
		if err != nil || n < 1 || n > len(choices) {
			continue
		}
		p, _ := config.PresetByName(choices[n-1])
		return p, nil
	}
}

// nextSteps tells what to do after init, for the provider chosen.
func nextSteps(cfgPath string, p config.Preset) string {
	var b strings.Builder
	switch {
	case p.OAuth != "":
		fmt.Fprintf(&b, "\nrapport.toml has the servers of %s and signs in with %s (no password).\nNext:\n", p.Title, strings.ToUpper(p.OAuth[:1])+p.OAuth[1:])
		fmt.Fprintf(&b, "  1. edit %s: your name and practice, and client_id in [oauth]\n", cfgPath)
		fmt.Fprintf(&b, "     (the README's \"Sign in with Google or Microsoft\" shows how to get one)\n")
		fmt.Fprintf(&b, "  2. rapport login %s\n  3. rapport check\n  4. rapport import your-contacts.xlsx", p.OAuth)
	case p.SMTP.Host != "":
		fmt.Fprintf(&b, "\nrapport.toml has the servers of %s.\nNext:\n  1. edit %s: your name and practice\n", p.Title, cfgPath)
		fmt.Fprintf(&b, "  2. export RAPPORT_SMTP_PASSWORD=... RAPPORT_IMAP_PASSWORD=...  (%s)\n", p.AppPassword)
		fmt.Fprintf(&b, "  3. rapport check\n  4. rapport import your-contacts.xlsx")
	default:
		fmt.Fprintf(&b, "\nNext: edit %s (your name, your mail servers), then\n  rapport check --offline\n  rapport import your-contacts.xlsx", cfgPath)
	}
	return b.String()
}
