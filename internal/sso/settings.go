package sso

import (
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
)

// Settings is the platform's single sign-on setting as its admin gives and
// reads it. ClientSecret is only ever given: reading leaves it empty and
// says SecretSet instead.
type Settings struct {
	// Issuer is the provider's issuer URL, where its discovery document is.
	Issuer       string `json:"issuer"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	// SecretSet tells a reader that a client secret is stored.
	SecretSet bool `json:"client_secret_set"`
	// RoleClaim names the ID token claim whose values RoleMap maps, such as "groups".
	RoleClaim string              `json:"role_claim"`
	RoleMap   map[string]org.Role `json:"role_map"`
	// EmailDomain, when set, admits only e-mail addresses of that domain.
	EmailDomain string `json:"email_domain,omitempty"`
	// Name is what the sign-in button calls the provider; the issuer's host when empty.
	Name string `json:"name,omitempty"`
	// Scopes are asked for beside openid; email and profile when empty.
	// Some providers send the role claim only for a scope of its own ("groups").
	Scopes    []string  `json:"scopes,omitempty"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// DisplayName is the provider's name for the sign-in button.
func (s Settings) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	if u, err := url.Parse(s.Issuer); err == nil && u.Host != "" {
		return u.Hostname()
	}
	return s.Issuer
}

func (s Settings) scopes() []string {
	if len(s.Scopes) == 0 {
		return []string{"openid", "email", "profile"}
	}
	return append([]string{"openid"}, slices.DeleteFunc(slices.Clone(s.Scopes), func(v string) bool { return v == "openid" })...)
}

var (
	claimName = regexp.MustCompile(`^[A-Za-z0-9_.:/-]{1,100}$`)
	scopeName = regexp.MustCompile(`^[\x21\x23-\x5b\x5d-\x7e]{1,100}$`)
	domain    = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// platformRoles are the roles single sign-on can give, strongest first: a
// person whose claim maps to several gets the first of them.
var platformRoles = []org.Role{org.RoleAdmin, org.RoleReviewer, org.RoleAuditor}

func plainText(v string, max int) bool {
	return v != "" && utf8.ValidString(v) && utf8.RuneCountInString(v) <= max &&
		!strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// loopback reports whether host names this machine, where a provider may
// speak plain HTTP (a test, or one behind the same host's proxy).
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// normalise trims s and checks it; secretRequired is true when no secret
// is stored yet.
func (s *Settings) normalise(secretRequired bool) error {
	var errs []notice.FieldError
	bad := func(field, code, msg string) {
		errs = append(errs, notice.FieldError{Field: field, Code: code, Message: msg})
	}
	s.Issuer = strings.TrimSpace(s.Issuer)
	s.ClientID = strings.TrimSpace(s.ClientID)
	s.RoleClaim = strings.TrimSpace(s.RoleClaim)
	s.EmailDomain = strings.ToLower(strings.TrimSpace(s.EmailDomain))
	s.Name = strings.TrimSpace(s.Name)
	u, err := url.Parse(s.Issuer)
	switch {
	case s.Issuer == "":
		bad("issuer", "required", "issuer is required: the provider's issuer URL")
	case err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || len(s.Issuer) > 500:
		bad("issuer", "invalid", "issuer must be an absolute URL without query, fragment or user, at most 500 characters")
	case u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname())):
		bad("issuer", "insecure", "issuer must be an https URL (plain http only on a loopback address)")
	}
	if !plainText(s.ClientID, 200) {
		bad("client_id", "invalid", "client_id is required: at most 200 characters without control characters")
	}
	switch {
	case s.ClientSecret == "" && secretRequired:
		bad("client_secret", "required", "client_secret is required the first time")
	case s.ClientSecret != "" && !plainText(s.ClientSecret, 500):
		bad("client_secret", "invalid", "client_secret must be at most 500 characters without control characters")
	}
	if !claimName.MatchString(s.RoleClaim) {
		bad("role_claim", "invalid", "role_claim is required: the name of a claim such as groups")
	}
	if len(s.RoleMap) == 0 || len(s.RoleMap) > 100 {
		bad("role_map", "invalid", "role_map must map 1 to 100 claim values to platform roles")
	}
	for k, r := range s.RoleMap {
		if !plainText(k, 200) {
			bad("role_map", "invalid", "role_map keys must be claim values of at most 200 characters")
			break
		}
		if !slices.Contains(platformRoles, r) {
			bad("role_map", "unknown_value", "role_map values must be platform roles: admin, reviewer or auditor")
			break
		}
	}
	if s.EmailDomain != "" && !domain.MatchString(s.EmailDomain) {
		bad("email_domain", "invalid", "email_domain must be a domain name such as example.com")
	}
	if s.Name != "" && !plainText(s.Name, 100) {
		bad("name", "invalid", "name must be at most 100 characters without control characters")
	}
	if len(s.Scopes) > 20 {
		bad("scopes", "invalid", "scopes must be at most 20 scope names")
	}
	for _, sc := range s.Scopes {
		if !scopeName.MatchString(sc) {
			bad("scopes", "invalid", "scopes must be OAuth scope names such as groups")
			break
		}
	}
	if len(errs) > 0 {
		return &notice.ValidationError{Fields: errs}
	}
	return nil
}

// roleFor maps the role claim's values to the strongest platform role they
// name; ok is false when none is mapped.
func (s Settings) roleFor(values []string) (org.Role, bool) {
	var got []org.Role
	for _, v := range values {
		if r, ok := s.RoleMap[v]; ok {
			got = append(got, r)
		}
	}
	for _, r := range platformRoles {
		if slices.Contains(got, r) {
			return r, true
		}
	}
	return "", false
}
