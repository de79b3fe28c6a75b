package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPresetsFromTheAddress(t *testing.T) {
	for domain, want := range map[string]string{"gmail.com": "smtp.gmail.com", "googlemail.com": "smtp.gmail.com",
		"outlook.com": "smtp-mail.outlook.com", "hotmail.com": "smtp-mail.outlook.com", "live.com": "smtp-mail.outlook.com",
		"icloud.com": "smtp.mail.me.com", "fastmail.com": "smtp.fastmail.com"} {
		if p, ok := PresetForDomain(domain); !ok || p.SMTP.Host != want {
			t.Errorf("%s: %+v", domain, p)
		}
	}
	if _, ok := PresetForDomain("leefamilytherapy.example"); ok {
		t.Error("a custom domain has no preset of its own")
	}
	for mx, want := range map[string]string{"aspmx.l.google.com.": "google", "smtp.google.com": "google",
		"leefamilytherapy-example.mail.protection.outlook.com.": "microsoft", "in1-smtp.messagingengine.com": "fastmail",
		"mx01.mail.icloud.com.": "icloud"} {
		if p, ok := PresetForMX([]string{"mx.backup.example", mx}); !ok || p.Name != want {
			t.Errorf("MX %s: %+v", mx, p)
		}
	}
	if _, ok := PresetForMX([]string{"mx.hostgator.example"}); ok {
		t.Error("an unknown MX was taken for a known provider")
	}
}

func TestApplyPresetWritesAConfigThatLoads(t *testing.T) {
	example, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	const email = "anna@leefamilytherapy.example"
	t.Run("Google Workspace signs in with Google", func(t *testing.T) {
		p, _ := PresetByName("google")
		c := loadPreset(t, example, email, p, `client_id = ""`, `client_id = "1234.apps.googleusercontent.com"`)
		if c.SMTP.Host != "smtp.gmail.com" || c.SMTP.Port != 465 || c.SMTP.Security != "tls" || c.SMTP.Auth != AuthOAuth2 ||
			c.IMAP.Host != "imap.gmail.com" || c.IMAP.Auth != AuthOAuth2 || c.OAuth.Provider != "google" || c.Identity.Email != email {
			t.Errorf("config = %+v %+v %+v", c.SMTP, c.IMAP, c.OAuth)
		}
		if c.SMTP.PasswordEnv != "" || c.OAuth.Tenant != "" {
			t.Errorf("left a password or a tenant: %+v %+v", c.SMTP, c.OAuth)
		}
	})
	t.Run("Microsoft 365 signs in with Microsoft", func(t *testing.T) {
		p, _ := PresetByName("microsoft")
		c := loadPreset(t, example, email, p, `client_id = ""`, `client_id = "11111111-2222-3333-4444-555555555555"`)
		if c.SMTP.Host != "smtp.office365.com" || c.SMTP.Security != "starttls" || c.OAuth.Tenant != "common" || c.IMAP.Auth != AuthOAuth2 {
			t.Errorf("config = %+v %+v %+v", c.SMTP, c.IMAP, c.OAuth)
		}
	})
	t.Run("iCloud keeps an app password", func(t *testing.T) {
		p, _ := PresetByName("icloud")
		c := loadPreset(t, example, email, p, "", "")
		if c.SMTP.Host != "smtp.mail.me.com" || c.SMTP.Auth != "" || c.SMTP.PasswordEnv != "RAPPORT_SMTP_PASSWORD" || c.OAuth.Provider != "" {
			t.Errorf("config = %+v %+v", c.SMTP, c.OAuth)
		}
	})
	t.Run("without a client_id check says where to get one", func(t *testing.T) {
		p, _ := PresetByName("google")
		out, _ := ApplyPreset(example, email, p)
		_, err := Load(write(t, string(out), 0o600))
		if err == nil || !strings.Contains(err.Error(), "oauth.client_id") || !strings.Contains(err.Error(), "README") {
			t.Errorf("err = %v", err)
		}
	})
}

func loadPreset(t *testing.T, example []byte, email string, p Preset, from, to string) *Config {
	t.Helper()
	out, err := ApplyPreset(example, email, p)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if from != "" {
		text = strings.Replace(text, from, to, 1)
	}
	c, err := Load(write(t, text, 0o600))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if filepath.Base(c.Path) != "rapport.toml" {
		t.Fatal(c.Path)
	}
	return c
}

func TestOAuthSettingsAreChecked(t *testing.T) {
	base := example(t)
	want := map[string]string{
		"oauth2 without [oauth]": `smtp.auth`,
		"a password with oauth2": `needs no password`,
		"an unknown provider":    `"yahoo" is not google or microsoft`,
		"a tenant for Google":    "tenant is a Microsoft setting",
	}
	edits := map[string]func(string) string{
		"oauth2 without [oauth]": func(s string) string {
			return strings.Replace(s, `password_env = "RAPPORT_SMTP_PASSWORD"`, `auth = "oauth2"`, 1)
		},
		"a password with oauth2": func(s string) string {
			return strings.Replace(s, `password_env = "RAPPORT_SMTP_PASSWORD"`, "password_env = \"X\"\nauth = \"oauth2\"", 1) +
				"\n[oauth]\nprovider = \"google\"\nclient_id = \"x\"\n"
		},
		"an unknown provider": func(s string) string { return s + "\n[oauth]\nprovider = \"yahoo\"\nclient_id = \"x\"\n" },
		"a tenant for Google": func(s string) string {
			return s + "\n[oauth]\nprovider = \"google\"\nclient_id = \"x\"\ntenant = \"common\"\n"
		},
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			_, err := Load(write(t, edits[name](base), 0o600))
			if err == nil || !strings.Contains(err.Error(), w) || !strings.Contains(err.Error(), "line ") {
				t.Errorf("err = %v", err)
			}
		})
	}
}
