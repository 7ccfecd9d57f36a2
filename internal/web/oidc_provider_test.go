package web_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// idp is a real OpenID Connect provider, zitadel's op package with its
// example storage and login form, on a loopback test server. A test adds
// its people and can make the provider misbehave as a hostile or
// misconfigured one would: sign under another issuer, for another client,
// or tokens that are already expired.
type idp struct {
	issuer, clientID, secret string
	people                   *idpPeople
	store                    *idpStorage
	// wrongIssuer sends token requests to a second provider on the same
	// storage (and signing key) whose issuer is another.
	wrongIssuer atomic.Bool
}

const idpPassword = "verysecure"

// idpPeople is the provider's user directory.
type idpPeople struct {
	mu     sync.Mutex
	byID   map[string]*storage.User
	groups map[string][]string
}

func (p *idpPeople) GetUserByID(id string) *storage.User {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byID[id]
}

func (p *idpPeople) GetUserByUsername(name string) *storage.User {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.byID {
		if u.Username == name {
			return u
		}
	}
	return nil
}

func (p *idpPeople) ExampleClientID() string { return "service" }

// idpStorage is the example storage with the person's groups in the ID token.
type idpStorage struct {
	*storage.Storage
	people *idpPeople
	// aud, when set, is the client the tokens are issued for.
	aud atomic.Pointer[string]
	// lifetime of ID tokens; negative issues them already expired.
	lifetime atomic.Int64
	// thin keeps the e-mail address and groups out of ID tokens: they are
	// only at the userinfo endpoint, as some providers do by default.
	thin atomic.Bool
}

func (s *idpStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	if !s.thin.Load() {
		s.addClaims(info, req.GetSubject())
	}
	return nil
}

func (s *idpStorage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	s.addClaims(info, subject)
	return nil
}

// addClaims adds the person's groups, and email_verified when it is false
// (the example storage leaves a false one out).
func (s *idpStorage) addClaims(info *oidc.UserInfo, sub string) {
	u := s.people.GetUserByID(sub)
	s.people.mu.Lock()
	groups := s.people.groups[sub]
	s.people.mu.Unlock()
	info.AppendClaims("groups", groups)
	if u != nil && !u.EmailVerified {
		info.AppendClaims("email_verified", false)
	}
}

// audRequest is an auth request whose tokens are for another client: the
// provider mixes up its clients.
type audRequest struct {
	op.AuthRequest
	aud string
}

func (r audRequest) GetAudience() []string { return []string{r.aud} }
func (r audRequest) GetClientID() string   { return r.aud }

func (s *idpStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if a := s.aud.Load(); err == nil && a != nil {
		return audRequest{r, *a}, nil
	}
	return r, err
}

// idpClient puts the userinfo claims (e-mail, groups) in the ID token
// unless thin, and lets the test set its lifetime.
type idpClient struct {
	op.Client
	thin     bool
	lifetime time.Duration
	id       string // another client's ID, when the provider mixes them up
}

func (c idpClient) GetID() string {
	if c.id != "" {
		return c.id
	}
	return c.Client.GetID()
}

func (c idpClient) IDTokenUserinfoClaimsAssertion() bool { return !c.thin }
func (c idpClient) IDTokenLifetime() time.Duration       { return c.lifetime }

func (s *idpStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	mixed := ""
	if a := s.aud.Load(); a != nil {
		mixed = *a
	}
	return idpClient{c, s.thin.Load(), time.Duration(s.lifetime.Load()), mixed}, nil
}

// startIdP runs the provider for one client whose redirect address is redirectURI.
func startIdP(t *testing.T, redirectURI string) *idp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &idp{issuer: "http://" + ln.Addr().String(), clientID: "sigap-portal", secret: "idp-client-secret",
		people: &idpPeople{byID: map[string]*storage.User{}, groups: map[string][]string{}}}
	clients := map[string]*storage.Client{p.clientID: storage.WebClient(p.clientID, p.secret, redirectURI)}
	p.store = &idpStorage{Storage: storage.NewStorageWithClients(p.people, clients), people: p.people}
	p.store.lifetime.Store(int64(time.Hour))
	good := exampleop.SetupServer(p.issuer, p.store, nil, false)
	other := exampleop.SetupServer("https://other-issuer.example", p.store, nil, false)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.wrongIssuer.Load() && strings.HasSuffix(r.URL.Path, "/token") {
			other.ServeHTTP(w, r)
			return
		}
		good.ServeHTTP(w, r)
	})}}
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// add puts a person in the provider's directory; their user name is their subject.
func (p *idp) add(sub, email string, verified bool, groups ...string) {
	p.people.mu.Lock()
	defer p.people.mu.Unlock()
	p.people.byID[sub] = &storage.User{ID: sub, Username: sub, Password: idpPassword, FirstName: "Staf", LastName: sub,
		Email: email, EmailVerified: verified}
	p.people.groups[sub] = groups
}
