package httpapi

import (
	"net/http"
	"sync/atomic"
)

// Readiness is whether this process takes traffic, as GET /readyz tells a
// load balancer: starting until the server calls Ready, ready, then
// draining from Drain on. /healthz stays about the database alone.
type Readiness struct {
	state atomic.Int32
}

const (
	starting int32 = iota
	ready
	draining
)

// Ready marks the process as taking traffic.
func (r *Readiness) Ready() { r.state.CompareAndSwap(starting, ready) }

// Drain marks the process as going away; it never becomes ready again.
func (r *Readiness) Drain() { r.state.Store(draining) }

// Draining tells whether Drain was called.
func (r *Readiness) Draining() bool { return r.state.Load() == draining }

func (a *API) readyz(w http.ResponseWriter, r *http.Request) {
	switch a.Readiness.state.Load() {
	case ready:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case draining:
		w.Header().Set("Connection", "close")
		problem(w, http.StatusServiceUnavailable, "shutting_down", "The service is shutting down",
			"this process is draining: it finishes the requests it has and takes no new ones; send them to another replica")
	default:
		problem(w, http.StatusServiceUnavailable, "starting", "The service is starting",
			"this process does not take traffic yet")
	}
}
