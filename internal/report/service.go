package report

import (
	"context"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// Service computes reports from the store.
type Service struct {
	DB    *store.DB
	Clock clock.Clock

	// slots bounds the reports computed at once: over a long period each one
	// joins millions of rows with up to 512 MB of sort memory on PostgreSQL.
	slotsOnce sync.Once
	slots     chan struct{}
}

// MaxConcurrent is how many reports a Service computes at once; more wait their turn.
const MaxConcurrent = 2

// acquire waits for a free slot or for ctx to end.
func (s *Service) acquire(ctx context.Context) (func(), error) {
	s.slotsOnce.Do(func() { s.slots = make(chan struct{}, MaxConcurrent) })
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ScopeFor is whose notices a caller's report counts: the platform's roles
// see the whole platform; an authority or a trusted flagger (or an auditor
// of one) sees its own notices only, as it does everywhere else in the API.
func (s *Service) ScopeFor(ctx context.Context, c org.Caller) (Scope, error) {
	if c.Platform() {
		return Scope{Platform: true}, nil
	}
	o, err := s.DB.Org(ctx, c.OrgID)
	if err != nil {
		return Scope{}, err
	}
	return Scope{OrgID: o.ID, OrgName: o.Name}, nil
}

// Transparency computes the transparency report of a period for a scope.
func (s *Service) Transparency(ctx context.Context, scope Scope, p Period) (*Report, error) {
	f, now, err := s.figures(ctx, scope, p, store.ReportQuery{}, nil)
	if err != nil {
		return nil, err
	}
	return Build(p, now, scope, f), nil
}

// TCO computes the EU TCO Art. 7(3) figures of a period for a scope. The
// platform's specific measures are its own and appear only in the
// platform's report.
func (s *Service) TCO(ctx context.Context, scope Scope, p Period) (*TCO, error) {
	var sm *store.SpecificMeasures
	f, now, err := s.figures(ctx, scope, p, store.ReportQuery{Regime: RegimeTCO, Kind: notice.KindOrder}, func() (err error) {
		if scope.Platform {
			sm, err = s.DB.ReportSpecificMeasures(ctx, p.From, p.To)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return BuildTCO(p, now, scope, f, sm), nil
}

// figures reads the store's figures of the period and scope, narrowed to
// q's regime and kind where q sets them, then runs more (when not nil), all
// in one slot (see MaxConcurrent); it also returns when it read them.
func (s *Service) figures(ctx context.Context, scope Scope, p Period, q store.ReportQuery, more func() error) (*store.ReportFigures, time.Time, error) {
	release, err := s.acquire(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer release()
	q.From, q.To, q.Now, q.OrgID = p.From, p.To, clock.NowMilli(s.Clock), scope.OrgID
	f, err := s.DB.ReportFigures(ctx, q)
	if err == nil && more != nil {
		err = more()
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	return f, q.Now, nil
}
