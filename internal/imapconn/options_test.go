package imapconn

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	ok := Options{Host: "imap.fastmail.com", Security: TLS, Username: user, Password: pass}
	cases := []struct {
		name string
		edit func(*Options)
		want string // "" = valid
	}{
		{"tls to a provider", func(*Options) {}, ""},
		{"starttls", func(o *Options) { o.Security = STARTTLS }, ""},
		{"none to localhost", func(o *Options) { o.Host, o.Security = "localhost", None }, ""},
		{"none to 127.0.0.2", func(o *Options) { o.Host, o.Security = "127.0.0.2", None }, ""},
		{"none to ::1", func(o *Options) { o.Host, o.Security = "::1", None }, ""},
		{"none to [::1]", func(o *Options) { o.Host, o.Security = "[::1]", None }, ""},
		{"none to a provider", func(o *Options) { o.Security = None }, `use "tls"`},
		{"none to a LAN address", func(o *Options) { o.Host, o.Security = "192.168.1.10", None }, "clear text"},
		{"no security", func(o *Options) { o.Security = "" }, "not one of"},
		{"ssl is not a value", func(o *Options) { o.Security = "ssl" }, "not one of"},
		{"no host", func(o *Options) { o.Host = "" }, "host is missing"},
		{"port out of range", func(o *Options) { o.Port = 70000 }, "out of range"},
		{"unknown auth", func(o *Options) { o.Auth = "cram-md5" }, "auth"},
		{"no password", func(o *Options) { o.Password = "" }, "password is missing"},
		{"CRLF in password", func(o *Options) { o.Password = "a\r\nb" }, "line break"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			err := o.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if o.Password != "" && strings.Contains(err.Error(), o.Password) {
				t.Error("the password leaked")
			}
		})
	}
}

func TestAddrDefaults(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Host: "imap.example.com", Security: TLS}, "imap.example.com:993"},
		{Options{Host: "imap.example.com", Security: STARTTLS}, "imap.example.com:143"},
		{Options{Host: "::1", Security: None, Port: 1143}, "[::1]:1143"},
	} {
		if got := tc.o.Addr(); got != tc.want {
			t.Errorf("Addr = %q, want %q", got, tc.want)
		}
	}
}
