package review_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
)

// caseModel is what a case's review should look like after a sequence of
// claims, releases, decisions, approvals, rejections and clock moves.
type caseModel struct {
	state      string // "open", "pending" or "decided"
	holder     string
	leaseUntil time.Time
	// pending is the decision waiting for approval and who made it.
	pending, pendingBy string
	// last is the latest decision made on the case.
	last string
}

// TestReviewStateMachine runs random sequences of review operations by three
// reviewers against one case each and checks every answer against the model,
// and the database against the rules that must always hold: at most one live
// decision, a decided case has exactly one final decision, a waiting decision
// holds the case, no one approves their own decision.
func TestReviewStateMachine(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		reviewers := []org.Caller{w.alice, w.bob, w.carol}
		rapid.Check(t, func(rt *rapid.T) {
			kind := rapid.SampledFrom([]string{notice.KindOrder, notice.KindReport, notice.KindFlag}).Draw(rt, "kind")
			o := w.flagger
			if kind == notice.KindOrder {
				o = w.authority
			}
			n := w.file(o, kind)
			cid, lane := caseOf(n), notice.LaneFor(kind)
			m := caseModel{state: "open"}
			who := func(rt *rapid.T) org.Caller { return rapid.SampledFrom(reviewers).Draw(rt, "reviewer") }
			check := func(op string, err, want error) {
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					rt.Fatalf("%s: %v, want %v", op, err, want)
				}
			}
			// settle has a random reviewer approve or reject (op, by do) the
			// last decision: refused when none waits or the reviewer made
			// it, done (and the model moved by done) otherwise.
			settle := func(rt *rapid.T, op string, do func(org.Caller) error, done func()) {
				if m.last == "" {
					rt.Skip("no decision yet")
				}
				r := who(rt)
				err := do(r)
				switch {
				case m.pending == "":
					check(op, err, review.ErrNotPending)
				case m.pendingBy == review.Actor(r):
					check(op, err, review.ErrSelfApproval)
				default:
					check(op, err, nil)
					done()
				}
			}
			rt.Repeat(map[string]func(*rapid.T){
				"claim": func(rt *rapid.T) {
					r := who(rt)
					cl, err := w.svc.Claim(ctx, r, store.ClaimFilter{Language: n.Language})
					if errors.Is(err, review.ErrNothingWaiting) {
						cl, err = nil, nil
					}
					check("claim", err, nil)
					now := w.clk.Now()
					free := m.state == "open" && (m.holder == "" || !m.leaseUntil.After(now))
					if free != (cl != nil) {
						rt.Fatalf("claim by %s got %+v; model says free=%v (%+v)", r.KeyID, cl, free, m)
					}
					if free {
						m.holder, m.leaseUntil = review.Actor(r), now.Add(review.DefaultLease)
					}
				},
				"release": func(rt *rapid.T) {
					r := who(rt)
					err := w.svc.Release(ctx, r, cid)
					if m.state == "open" && m.holder == review.Actor(r) && m.leaseUntil.After(w.clk.Now()) {
						check("release", err, nil)
						m.holder = ""
						return
					}
					check("release", err, review.ErrNotHolder)
				},
				"decide": func(rt *rapid.T) {
					r := who(rt)
					action := rapid.SampledFrom(review.Actions).Draw(rt, "action")
					in := input(action)
					if action == review.ActionGeoRestrict {
						in.TerritorialScope = []string{"ID"}
					}
					d, pending, err := w.svc.Decide(ctx, r, cid, in)
					switch {
					case m.state != "open":
						check("decide", err, review.ErrAlreadyDecided)
					case m.holder != review.Actor(r) || !m.leaseUntil.After(w.clk.Now()):
						check("decide", err, review.ErrNotHolder)
					default:
						check("decide", err, nil)
						if pending != w.svc.NeedsApproval(action, lane) {
							rt.Fatalf("%s on lane %s: pending = %v", action, lane, pending)
						}
						m.last = d.ID
						if pending {
							m.state, m.pending, m.pendingBy = "pending", d.ID, review.Actor(r)
						} else {
							m.state = "decided"
						}
					}
				},
				"approve": func(rt *rapid.T) {
					settle(rt, "approve", func(r org.Caller) error {
						_, err := w.svc.Approve(ctx, r, m.last)
						return err
					}, func() { m.state, m.pending = "decided", "" })
				},
				"reject": func(rt *rapid.T) {
					settle(rt, "reject", func(r org.Caller) error {
						_, err := w.svc.Reject(ctx, r, m.last, "no")
						return err
					}, func() { m.state, m.pending, m.holder = "open", "", "" })
				},
				"wait": func(rt *rapid.T) {
					w.clk.Advance(time.Duration(rapid.IntRange(0, 20).Draw(rt, "minutes")) * time.Minute)
				},
				"": func(rt *rapid.T) {
					lc, err := w.db.LeasedCase(ctx, cid)
					if err != nil {
						rt.Fatal(err)
					}
					ds, err := w.db.CaseDecisions(ctx, cid)
					if err != nil {
						rt.Fatal(err)
					}
					count := map[string]int{}
					for _, d := range ds {
						count[d.Status]++
						if d.Approver != "" && d.Approver == d.Reviewer {
							rt.Fatalf("decision %s approved by its own reviewer", d.ID)
						}
					}
					if count[decision.Final]+count[decision.Pending] > 1 {
						rt.Fatalf("more than one live decision: %v", count)
					}
					if (lc.State == notice.CaseDecided) != (count[decision.Final] == 1) {
						rt.Fatalf("case %s with decisions %v", lc.State, count)
					}
					if (count[decision.Pending] == 1) != lc.Held {
						rt.Fatalf("pending decisions %d, lease until %v", count[decision.Pending], lc.LeaseExpiresAt)
					}
					wantState := notice.CaseOpen
					if m.state == "decided" {
						wantState = notice.CaseDecided
					}
					if lc.State != wantState || (m.state == "pending") != (count[decision.Pending] == 1) {
						rt.Fatalf("case %s with %v; model %+v", lc.State, count, m)
					}
				},
			})
		})
	})
}
