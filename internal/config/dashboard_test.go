package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDashboardOnTheNetwork(t *testing.T) {
	dashboard := func(lines string) string {
		return strings.Replace(example(t), "[dashboard]\nlisten = \"127.0.0.1:8750\"", "[dashboard]\n"+lines, 1)
	}
	t.Run("an outside address without saying so is refused, with its line", func(t *testing.T) {
		body := dashboard(`listen = "0.0.0.0:8750"`)
		line := strings.Count(body[:strings.Index(body, `listen = "0.0.0.0`)], "\n") + 1
		_, err := Load(write(t, body, 0o600))
		if err == nil || !strings.Contains(err.Error(), "dashboard.listen") || !strings.Contains(err.Error(), "allow_network = true") ||
			!strings.Contains(err.Error(), fmt.Sprintf("line %d", line)) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("allowed, but without a certificate, is refused", func(t *testing.T) {
		_, err := Load(write(t, dashboard("listen = \"0.0.0.0:8750\"\nallow_network = true"), 0o600))
		if err == nil || !strings.Contains(err.Error(), "needs tls_cert and tls_key") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("allowed with a certificate and its key, it loads", func(t *testing.T) {
		path := write(t, dashboard("listen = \"0.0.0.0:8750\"\nallow_network = true\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\nhosts = [\"office-mac.local\"]"), 0o600)
		for _, f := range []string{"cert.pem", "key.pem"} {
			os.WriteFile(filepath.Join(filepath.Dir(path), f), []byte("-"), 0o600)
		}
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Dashboard.AllowNetwork || c.Dashboard.Hosts[0] != "office-mac.local" {
			t.Errorf("dashboard = %+v", c.Dashboard)
		}
	})
	t.Run("a certificate file that is not there is named", func(t *testing.T) {
		_, err := Load(write(t, dashboard("listen = \"127.0.0.1:8750\"\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\""), 0o600))
		if err == nil || !strings.Contains(err.Error(), "dashboard.tls_cert") || !strings.Contains(err.Error(), "cert.pem") {
			t.Errorf("err = %v", err)
		}
	})
}
