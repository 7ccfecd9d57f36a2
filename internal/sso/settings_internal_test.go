package sso

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
)

func valid() Settings {
	return Settings{Issuer: "https://login.example.com/realms/platform", ClientID: "sigap", ClientSecret: "s3cret",
		RoleClaim: "groups", RoleMap: map[string]org.Role{"sigap-admins": org.RoleAdmin, "sigap-auditors": org.RoleAuditor}}
}

func TestNormalise(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		change   func(*Settings)
		noSecret bool // a secret is stored already
		field    string
		code     string
	}{
		{name: "valid", change: func(*Settings) {}},
		{name: "http on loopback", change: func(s *Settings) { s.Issuer = "http://127.0.0.1:5556/dex" }},
		{name: "http on localhost", change: func(s *Settings) { s.Issuer = "http://localhost:8081" }},
		{name: "stored secret kept", change: func(s *Settings) { s.ClientSecret = "" }, noSecret: true},
		{name: "http elsewhere", change: func(s *Settings) { s.Issuer = "http://10.0.0.1/idp" }, field: "issuer", code: "insecure"},
		{name: "no scheme", change: func(s *Settings) { s.Issuer = "login.example.com" }, field: "issuer", code: "invalid"},
		{name: "query in issuer", change: func(s *Settings) { s.Issuer = "https://login.example.com/?x=1" }, field: "issuer", code: "invalid"},
		{name: "user in issuer", change: func(s *Settings) { s.Issuer = "https://u:p@login.example.com" }, field: "issuer", code: "invalid"},
		{name: "no client", change: func(s *Settings) { s.ClientID = " " }, field: "client_id", code: "invalid"},
		{name: "first secret missing", change: func(s *Settings) { s.ClientSecret = "" }, field: "client_secret", code: "required"},
		{name: "control in secret", change: func(s *Settings) { s.ClientSecret = "a\nb" }, field: "client_secret", code: "invalid"},
		{name: "claim with space", change: func(s *Settings) { s.RoleClaim = "my groups" }, field: "role_claim", code: "invalid"},
		{name: "no mapping", change: func(s *Settings) { s.RoleMap = nil }, field: "role_map", code: "invalid"},
		{name: "authority role", change: func(s *Settings) { s.RoleMap["x"] = org.RoleAuthority }, field: "role_map", code: "unknown_value"},
		{name: "made-up role", change: func(s *Settings) { s.RoleMap["x"] = "owner" }, field: "role_map", code: "unknown_value"},
		{name: "empty group", change: func(s *Settings) { s.RoleMap[""] = org.RoleAdmin }, field: "role_map", code: "invalid"},
		{name: "bad domain", change: func(s *Settings) { s.EmailDomain = "@example.com" }, field: "email_domain", code: "invalid"},
		{name: "bad scope", change: func(s *Settings) { s.Scopes = []string{"a b"} }, field: "scopes", code: "invalid"},
	} {
		s := valid()
		tc.change(&s)
		err := s.normalise(!tc.noSecret)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var ve *notice.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Field != tc.field || ve.Fields[0].Code != tc.code {
			t.Errorf("%s: %v, want %s %s", tc.name, err, tc.field, tc.code)
		}
	}
}

func TestRoleFor(t *testing.T) {
	t.Parallel()
	s := Settings{RoleMap: map[string]org.Role{"a": org.RoleAdmin, "r": org.RoleReviewer, "u": org.RoleAuditor}}
	for _, tc := range []struct {
		values []string
		want   org.Role
	}{
		{[]string{"u"}, org.RoleAuditor},
		{[]string{"u", "r"}, org.RoleReviewer},
		{[]string{"x", "u", "a", "r"}, org.RoleAdmin},
		{[]string{"x", "A"}, ""},
		{nil, ""},
	} {
		got, ok := s.roleFor(tc.values)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("roleFor(%v) = %q, %v; want %q", tc.values, got, ok, tc.want)
		}
	}
}

func TestClaimValues(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{`"admins"`: "admins", `["a","b"]`: "a,b", `42`: "", `{"a":1}`: "", ``: ""} {
		if got := strings.Join(claimValues([]byte(raw)), ","); got != want {
			t.Errorf("claimValues(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestSealedSecret(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, created, err := LoadOrCreateKey(dir)
	if err != nil || !created || len(key) != 32 {
		t.Fatalf("LoadOrCreateKey = %d bytes, %v, %v", len(key), created, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	again, created, err := LoadOrCreateKey(dir)
	if err != nil || created || string(again) != string(key) {
		t.Fatalf("second LoadOrCreateKey: created %v, %v, same %v", created, err, string(again) == string(key))
	}
	sealed, err := seal(key, "client-secret")
	if err != nil || strings.Contains(sealed, "client-secret") {
		t.Fatalf("seal = %q, %v", sealed, err)
	}
	if plain, err := open(key, sealed); err != nil || plain != "client-secret" {
		t.Fatalf("open = %q, %v", plain, err)
	}
	other, _, _ := LoadOrCreateKey(t.TempDir())
	if _, err := open(other, sealed); err == nil {
		t.Fatal("a secret opened under another key")
	}
	if _, err := open(key, sealed[:len(sealed)-4]+"AAAA"); err == nil {
		t.Fatal("an altered sealed secret opened")
	}
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKey(dir); err == nil {
		t.Fatal("a damaged key file was accepted")
	}
}
