package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/audit"
	"github.com/sigap/sigap/internal/org"
)

type callerKey struct{}

// callerFrom returns the authenticated caller of a request.
func callerFrom(ctx context.Context) org.Caller {
	c, _ := ctx.Value(callerKey{}).(org.Caller)
	return c
}

// auth checks the bearer key, and that the route admits its caller, before h
// runs.
func (a *API) auth(h http.HandlerFunc, who access) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.Header.Get("Authorization")
		scheme, key, ok := strings.Cut(raw, " ")
		if raw == "" || !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sigap"`)
			problem(w, http.StatusUnauthorized, "unauthenticated", "Authentication required",
				"send your API key as 'Authorization: Bearer <key>'")
			return
		}
		c, ok := a.checkKey(w, r, key) // keys.go: unknown, revoked and expired keys
		if !ok {
			return
		}
		if p, ok := who.admits(c); !ok {
			writeProblem(w, p)
			return
		}
		ctx := audit.WithActor(context.WithValue(r.Context(), callerKey{}, c), c.KeyID)
		h(w, r.WithContext(ctx))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// observe records metrics and logs, recovers from panics, and bounds bodies.
func (a *API) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		r.Body = http.MaxBytesReader(sw, r.Body, MaxBody)
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.Log.ErrorContext(r.Context(), "panic in handler", "path", r.URL.Path, "panic", v)
				if sw.status == 0 {
					problem(sw, http.StatusInternalServerError, "internal", "Internal error", "the request failed inside sigap; it has been logged")
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			a.Metrics.ObserveRequest(route, r.Method, sw.status, time.Since(start))
			if sw.status >= 500 {
				a.Log.WarnContext(r.Context(), "request", "method", r.Method, "route", route, "status", sw.status, "duration", time.Since(start))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}
