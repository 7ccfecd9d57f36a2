package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"
)

// metricsReaders is who may read /metrics: anyone with --metrics-public, or
// when the server listens on loopback only and no token is set (only this
// machine reaches it, and the contract serves /metrics to a local scraper
// without a key); else keys (the platform's admins and auditors) and the
// --metrics-token. The figures name routes, volumes and the process, which
// only the operator should see.
func (a *API) metricsReaders(keys access) access {
	if a.Config.MetricsPublic || (a.Config.MetricsToken == "" && loopbackOnly(a.Config.Addr)) {
		return access{public: true}
	}
	return keys.orToken(a.Config.MetricsToken)
}

// tokenOr serves h to a request bearing token and passes any other to next.
// Both sides are hashed first so the comparison takes the same time whatever
// the lengths.
func tokenOr(token string, h http.HandlerFunc, next http.Handler) http.Handler {
	want := sha256.Sum256([]byte(token))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
			if subtle.ConstantTimeCompare(sum[:], want[:]) == 1 {
				h(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackOnly says whether addr (HOST:PORT) listens on a loopback address
// only: "localhost", 127.0.0.0/8 or ::1; an empty or wildcard host is not.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
