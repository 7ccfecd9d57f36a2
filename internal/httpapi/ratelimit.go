package httpapi

import (
	"sync"

	"golang.org/x/time/rate"
)

// orgLimiter rations how fast one org may file notices, so a flood from one
// flagger cannot crowd out everyone else (DSA Art. 23 flood handling). The
// daily quota lives in the trust record; this is the per-second rate.
type orgLimiter struct {
	mu    sync.Mutex
	per   rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

// Defaults for flagger orgs: 20 notices a second, bursts of 200.
const (
	flaggerRate  = 20
	flaggerBurst = 200
)

func newOrgLimiter(per rate.Limit, burst int) *orgLimiter {
	return &orgLimiter{per: per, burst: burst, m: map[string]*rate.Limiter{}}
}

func (l *orgLimiter) allow(orgID string) bool {
	l.mu.Lock()
	lim, ok := l.m[orgID]
	if !ok {
		lim = rate.NewLimiter(l.per, l.burst)
		l.m[orgID] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}
