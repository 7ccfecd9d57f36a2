package review_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/casetest"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/review"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// world is one database with the platform, two authorities, a flagger, three
// reviewers and a manual clock.
type world struct {
	t   *testing.T
	db  *store.DB
	clk *clock.Fixed
	svc *review.Service

	platform, authority, other, flagger org.Org
	alice, bob, carol                   org.Caller // reviewers
	auth, otherAuth, flag               org.Caller // notifiers
	seq                                 int
}

func newWorld(t *testing.T, e storetest.Engine) *world {
	t.Helper()
	w := &world{t: t, db: storetest.Open(t, e), clk: clock.NewFixed(t0)}
	w.svc = &review.Service{DB: w.db, Policy: policy.Default(), Clock: w.clk, Platform: "Telegram"}
	w.platform = w.mkOrg(org.KindPlatform, "Platform")
	w.authority = w.mkOrg(org.KindAuthority, "Kementerian Komunikasi dan Digital")
	w.other = w.mkOrg(org.KindAuthority, "Another Authority")
	w.flagger = w.mkOrg(org.KindFlagger, "A Flagger")
	rev := func(name string) org.Caller {
		return org.Caller{OrgID: w.platform.ID, OrgKind: org.KindPlatform, Role: org.RoleReviewer, KeyID: name}
	}
	w.alice, w.bob, w.carol = rev("alice"), rev("bob"), rev("carol")
	w.auth = org.Caller{OrgID: w.authority.ID, OrgKind: org.KindAuthority, Role: org.RoleAuthority, KeyID: "auth"}
	w.otherAuth = org.Caller{OrgID: w.other.ID, OrgKind: org.KindAuthority, Role: org.RoleAuthority, KeyID: "other"}
	w.flag = org.Caller{OrgID: w.flagger.ID, OrgKind: org.KindFlagger, Role: org.RoleFlagger, KeyID: "flag"}
	return w
}

func (w *world) mkOrg(kind org.Kind, name string) org.Org {
	w.t.Helper()
	return casetest.Org(w.t, w.db, kind, name, t0)
}

// file stores a notice from o on a subject of its own, received now. Its
// language is unique, so claim can ask for exactly its case.
func (w *world) file(o org.Org, kind string, edit ...func(*notice.Notice)) *notice.Notice {
	w.t.Helper()
	w.seq++
	now := w.clk.Now()
	n := &notice.Notice{ID: id.New("ntc", now), OrgID: o.ID, Kind: kind, Regime: "ID-PSE", Category: "terrorism",
		Class: "urgent", Within: 4 * time.Hour, Explanation: "x", LegalBasis: "UU ITE Pasal 40", Status: notice.StatusReceived,
		ReceivedAt: now, DueAt: now.Add(4 * time.Hour), BodySHA256: "00", TerritorialScope: []string{"ID"},
		Language: fmt.Sprintf("id-c%d", w.seq)}
	channel := fmt.Sprintf("c%d", w.seq)
	sub := casetest.ChannelSubject(channel)
	sub.Channel = channel
	n.Subjects = []notice.Subject{sub}
	for _, f := range edit {
		f(n)
	}
	casetest.File(w.t, w.db, n)
	return n
}

func caseOf(n *notice.Notice) string { return n.Subjects[0].CaseID }

// claim has c claim n's case, which must be free.
func (w *world) claim(c org.Caller, n *notice.Notice) *review.Claimed {
	w.t.Helper()
	cl, err := w.svc.Claim(context.Background(), c, store.ClaimFilter{Language: n.Language})
	if err != nil || cl == nil || cl.ID != caseOf(n) {
		w.t.Fatalf("%s claims %s: %+v, %v", c.KeyID, caseOf(n), cl, err)
	}
	return cl
}

func input(action string) review.DecisionInput {
	return review.DecisionInput{Action: action, Ground: decision.Ground{Type: "law", Reference: "UU ITE Pasal 40 ayat (2b)"},
		Reasons: "Propaganda and a call to attack"}
}

// decided files a notice, has c claim it and decide action, and returns the decision.
func (w *world) decided(c org.Caller, o org.Org, kind, action string, edit ...func(*notice.Notice)) (*notice.Notice, *decision.Decision) {
	w.t.Helper()
	n := w.file(o, kind, edit...)
	w.claim(c, n)
	d, _, err := w.svc.Decide(context.Background(), c, caseOf(n), input(action))
	if err != nil {
		w.t.Fatalf("decide %s: %v", action, err)
	}
	return n, d
}

func (w *world) leased(caseID string) *store.LeasedCase {
	w.t.Helper()
	lc, err := w.db.LeasedCase(context.Background(), caseID)
	if err != nil {
		w.t.Fatal(err)
	}
	return lc
}

func (w *world) eventTypes(caseID string) []string {
	w.t.Helper()
	evs, err := w.db.CaseTimeline(context.Background(), caseID, 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func TestClaim(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		if _, err := w.svc.Claim(ctx, w.auth, store.ClaimFilter{}); !errors.Is(err, review.ErrPlatformOnly) {
			t.Errorf("authority claims: %v, want ErrPlatformOnly", err)
		}
		bad := []struct {
			f    store.ClaimFilter
			want string
		}{
			{store.ClaimFilter{Languages: slices.Repeat([]string{"id"}, 21)}, "languages:too_many"},
			{store.ClaimFilter{Languages: []string{"id", "not a tag"}}, "languages[1]:invalid"},
			{store.ClaimFilter{Language: "x"}, "language:invalid"},
			{store.ClaimFilter{Category: "spam"}, "category:unknown_value"},
			{store.ClaimFilter{Lane: "fast"}, "lane:unknown_value"},
			{store.ClaimFilter{Regime: strings.Repeat("R", 33)}, "regime:invalid"},
		}
		for _, tc := range bad {
			if _, err := w.svc.Claim(ctx, w.alice, tc.f); casetest.FieldErr(err) != tc.want {
				t.Errorf("filter %+v: %v, want %s", tc.f, err, tc.want)
			}
		}
		if cl, err := w.svc.Claim(ctx, w.alice, store.ClaimFilter{}); cl != nil || !errors.Is(err, review.ErrNothingWaiting) {
			t.Fatalf("empty queue: %+v, %v; want ErrNothingWaiting", cl, err)
		}
		n := w.file(w.authority, notice.KindOrder)
		cl := w.claim(w.alice, n)
		if cl.LeaseHolder != "key:alice" || !cl.LeaseExpiresAt.Equal(t0.Add(review.DefaultLease)) || cl.Lane != notice.LaneOrder {
			t.Errorf("claimed %+v", cl.LeasedCase)
		}
		if len(cl.Notices) != 1 || cl.Notices[0].ID != n.ID || cl.Notices[0].Status != notice.StatusInReview {
			t.Errorf("claimed case's notices %+v", cl.Notices)
		}
		// Leased: no one else gets it until the lease runs out.
		w.clk.Advance(review.DefaultLease - time.Millisecond)
		if cl, err := w.svc.Claim(ctx, w.bob, store.ClaimFilter{}); cl != nil || !errors.Is(err, review.ErrNothingWaiting) {
			t.Fatalf("bob claimed a leased case: %+v, %v", cl, err)
		}
		w.clk.Advance(time.Millisecond)
		if cl := w.claim(w.bob, n); cl.LeaseHolder != "key:bob" {
			t.Errorf("after the lease ran out bob holds %+v", cl.LeasedCase)
		}
		// A person in the portal is an actor of their own, apart from any key.
		sv := *w.svc
		sv.Lease = time.Minute
		w.clk.Advance(review.DefaultLease)
		u := org.Caller{OrgID: w.platform.ID, OrgKind: org.KindPlatform, Role: org.RoleReviewer, UserID: "usr_1"}
		cl, err := sv.Claim(ctx, u, store.ClaimFilter{Language: n.Language})
		if err != nil || cl == nil || cl.LeaseHolder != "user:usr_1" || !cl.LeaseExpiresAt.Equal(w.clk.Now().Add(time.Minute)) {
			t.Errorf("portal user with a one-minute lease: %+v, %v", cl, err)
		}
	})
}

func TestRelease(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		cases := []struct {
			name string
			// setup runs after alice claims the case; by releases it.
			setup func(caseID string)
			by    org.Caller
			want  error
		}{
			{"holder", func(string) {}, w.alice, nil},
			{"another reviewer", func(string) {}, w.bob, review.ErrNotHolder},
			{"lease ran out", func(string) { w.clk.Advance(review.DefaultLease) }, w.alice, review.ErrNotHolder},
			{"waiting for approval", func(c string) {
				if _, _, err := w.svc.Decide(ctx, w.alice, c, input(review.ActionSuspend)); err != nil {
					t.Fatal(err)
				}
			}, w.alice, review.ErrNotHolder},
			{"decided", func(c string) {
				if _, _, err := w.svc.Decide(ctx, w.alice, c, input(review.ActionRemove)); err != nil {
					t.Fatal(err)
				}
			}, w.alice, review.ErrNotHolder},
		}
		for _, tc := range cases {
			n := w.file(w.flagger, notice.KindReport)
			w.claim(w.alice, n)
			tc.setup(caseOf(n))
			before := w.leased(caseOf(n))
			err := w.svc.Release(ctx, tc.by, caseOf(n))
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("%s: release = %v, want %v", tc.name, err, tc.want)
				continue
			}
			after := w.leased(caseOf(n))
			if tc.want != nil {
				if after.LeaseHolder != before.LeaseHolder || !after.LeaseExpiresAt.Equal(before.LeaseExpiresAt) {
					t.Errorf("%s: a refused release changed the lease: %+v", tc.name, after)
				}
				continue
			}
			if after.LeaseHolder != "" || !slices.Contains(w.eventTypes(caseOf(n)), "case.released") {
				t.Errorf("%s: after release %+v", tc.name, after)
			}
			// Back in the queue at once, long before the lease would have run out.
			w.claim(w.bob, n)
		}
		if err := w.svc.Release(ctx, w.alice, "case_missing"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown case: %v, want ErrNotFound", err)
		}
	})
}

func TestDecideValidation(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		past, future := t0.Add(-time.Hour), t0.Add(time.Hour)
		cases := []struct {
			name string
			edit func(*review.DecisionInput)
			want string
		}{
			{"no action", func(in *review.DecisionInput) { in.Action = "" }, "action:required"},
			{"unknown action", func(in *review.DecisionInput) { in.Action = "delete" }, "action:unknown_value"},
			{"restore is not a decision", func(in *review.DecisionInput) { in.Action = review.ActionRestore }, "action:unknown_value"},
			{"no ground", func(in *review.DecisionInput) { in.Ground.Type = "" }, "ground.type:required"},
			{"unknown ground", func(in *review.DecisionInput) { in.Ground.Type = "contract" }, "ground.type:unknown_value"},
			{"blank reference", func(in *review.DecisionInput) { in.Ground.Reference = "  " }, "ground.reference:required"},
			{"long reference", func(in *review.DecisionInput) { in.Ground.Reference = strings.Repeat("é", review.MaxReference+1) }, "ground.reference:too_long"},
			{"blank reasons", func(in *review.DecisionInput) { in.Reasons = "\n" }, "reasons:required"},
			{"long reasons", func(in *review.DecisionInput) { in.Reasons = strings.Repeat("x", review.MaxReasons+1) }, "reasons:too_long"},
			{"many territories", func(in *review.DecisionInput) { in.TerritorialScope = slices.Repeat([]string{"ID"}, 61) }, "territorial_scope:too_many"},
			{"lower-case territory", func(in *review.DecisionInput) { in.TerritorialScope = []string{"ID", "de"} }, "territorial_scope[1]:invalid"},
			{"geo_restrict nowhere", func(in *review.DecisionInput) { in.Action = review.ActionGeoRestrict }, "territorial_scope:required"},
			{"until on no_action", func(in *review.DecisionInput) { in.Action, in.Until = review.ActionNoAction, &future }, "until:not_allowed"},
			{"until in the past", func(in *review.DecisionInput) { in.Until = &past }, "until:in_past"},
			{"until now", func(in *review.DecisionInput) { now := t0; in.Until = &now }, "until:in_past"},
			{"two faults", func(in *review.DecisionInput) { in.Action, in.Reasons = "", "" }, "action:required,reasons:required"},
		}
		n := w.file(w.flagger, notice.KindReport)
		w.claim(w.alice, n)
		for _, tc := range cases {
			in := input(review.ActionRemove)
			tc.edit(&in)
			if _, _, err := w.svc.Decide(ctx, w.alice, caseOf(n), in); casetest.FieldErr(err) != tc.want {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.want)
			}
		}
		// Nothing was decided by the refusals: the case is still open and alice's.
		if lc := w.leased(caseOf(n)); lc.State != notice.CaseOpen || lc.LeaseHolder != "key:alice" {
			t.Errorf("case after refused decisions: %+v", lc)
		}
		ds, err := w.db.CaseDecisions(ctx, caseOf(n))
		if err != nil || len(ds) != 0 {
			t.Errorf("decisions after refusals: %+v, %v", ds, err)
		}
	})
}

// TestDecideOutcomes: each action on each lane, and whether it waits for a
// second reviewer under the default four-eyes rules.
func TestDecideOutcomes(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		until := t0.Add(7 * 24 * time.Hour)
		cases := []struct {
			kind    string
			action  string
			scope   []string
			until   *time.Time
			pending bool
			// wantScope is the decision's territorial scope; a restriction
			// given none takes the notices' own.
			wantScope []string
			status    string // the notice's status once the decision is final
		}{
			{notice.KindReport, review.ActionRemove, nil, nil, false, []string{"ID"}, notice.StatusDecided},
			{notice.KindReport, review.ActionGeoRestrict, []string{"DE", "EU"}, nil, false, []string{"DE", "EU"}, notice.StatusDecided},
			{notice.KindReport, review.ActionRestrict, nil, &until, false, []string{"ID"}, notice.StatusDecided},
			{notice.KindReport, review.ActionSuspend, nil, nil, true, []string{"ID"}, ""},
			{notice.KindReport, review.ActionNoAction, nil, nil, false, []string{}, notice.StatusRejected},
			{notice.KindReport, review.ActionCannotExecute, nil, nil, false, []string{}, notice.StatusRejected},
			{notice.KindFlag, review.ActionSuspend, nil, nil, true, []string{"ID"}, ""},
			{notice.KindFlag, review.ActionNoAction, nil, nil, false, []string{}, notice.StatusRejected},
			{notice.KindOrder, review.ActionRemove, nil, nil, false, []string{"ID"}, notice.StatusDecided},
			{notice.KindOrder, review.ActionNoAction, nil, nil, true, []string{}, ""},
			{notice.KindOrder, review.ActionCannotExecute, nil, nil, true, []string{}, ""},
			{notice.KindOrder, review.ActionSuspend, nil, nil, true, []string{"ID"}, ""},
		}
		for _, tc := range cases {
			name := tc.kind + "/" + tc.action
			o := w.flagger
			if tc.kind == notice.KindOrder {
				o = w.authority
			}
			n := w.file(o, tc.kind)
			w.claim(w.alice, n)
			in := input(tc.action)
			in.TerritorialScope, in.Until = tc.scope, tc.until
			d, pending, err := w.svc.Decide(ctx, w.alice, caseOf(n), in)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if pending != tc.pending || pending != w.svc.NeedsApproval(tc.action, notice.LaneFor(tc.kind)) {
				t.Errorf("%s: pending = %v, want %v", name, pending, tc.pending)
			}
			if d.Reviewer != "key:alice" || d.OrgID != w.platform.ID || d.CaseID != caseOf(n) || !slices.Equal(d.TerritorialScope, tc.wantScope) {
				t.Errorf("%s: decision %+v", name, d)
			}
			lc := w.leased(caseOf(n))
			acts, err := w.db.CaseActions(ctx, caseOf(n))
			if err != nil {
				t.Fatal(err)
			}
			ns, err := w.db.CaseNotices(ctx, caseOf(n))
			if err != nil {
				t.Fatal(err)
			}
			if tc.pending {
				if d.Status != decision.Pending || d.EffectiveAt != nil || lc.State != notice.CaseOpen ||
					!lc.Held || len(acts) != 0 || ns[0].Status != notice.StatusInReview {
					t.Errorf("%s: pending decision %+v, case %+v, %d actions, notice %s", name, d, lc, len(acts), ns[0].Status)
				}
				continue
			}
			if d.Status != decision.Final || d.EffectiveAt == nil || !d.EffectiveAt.Equal(t0) || lc.State != notice.CaseDecided ||
				ns[0].Status != tc.status {
				t.Errorf("%s: final decision %+v, case %s, notice %s", name, d, lc.State, ns[0].Status)
			}
			if !slices.Contains(w.eventTypes(caseOf(n)), "case.decided") {
				t.Errorf("%s: no case.decided on the timeline", name)
			}
			if !action.Restricts(tc.action) {
				if len(acts) != 0 {
					t.Errorf("%s: a decision that restricts nothing asked enforcement for %+v", name, acts[0])
				}
				continue
			}
			if len(acts) != 1 || acts[0].Action != tc.action || acts[0].State != "pending" || acts[0].DecisionID != d.ID ||
				acts[0].Subject != n.Subjects[0].Canonical || !slices.Equal(acts[0].TerritorialScope, tc.wantScope) ||
				(tc.until == nil) != (acts[0].Until == nil) || (tc.until != nil && !acts[0].Until.Equal(*tc.until)) {
				t.Errorf("%s: enforcement asked for %+v", name, acts)
			}
		}
	})
}

func TestNeedsApproval(t *testing.T) {
	t.Parallel()
	def := &review.Service{}
	none := &review.Service{FourEyes: []review.Rule{}}
	own := &review.Service{FourEyes: []review.Rule{{Action: review.ActionRemove, OrdersOnly: true}}}
	cases := []struct {
		svc          *review.Service
		action, lane string
		want         bool
	}{
		{def, review.ActionSuspend, notice.LaneStandard, true},
		{def, review.ActionRemove, notice.LaneOrder, false},
		{def, review.ActionNoAction, notice.LaneOrder, true},
		{def, review.ActionNoAction, notice.LaneTrusted, false},
		{def, review.ActionCannotExecute, notice.LaneOrder, true},
		{def, review.ActionCannotExecute, notice.LaneStandard, false},
		{none, review.ActionSuspend, notice.LaneOrder, false},
		{own, review.ActionRemove, notice.LaneOrder, true},
		{own, review.ActionRemove, notice.LaneStandard, false},
		{own, review.ActionSuspend, notice.LaneStandard, false},
	}
	for i, tc := range cases {
		if got := tc.svc.NeedsApproval(tc.action, tc.lane); got != tc.want {
			t.Errorf("%d: NeedsApproval(%s, %s) = %v, want %v", i, tc.action, tc.lane, got, tc.want)
		}
	}
}

func TestDecideRefusals(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		cases := []struct {
			name string
			// setup prepares a fresh report's case and says who decides it.
			setup func(n *notice.Notice) org.Caller
			want  error
		}{
			{"not the platform", func(n *notice.Notice) org.Caller { w.claim(w.alice, n); return w.auth }, review.ErrPlatformOnly},
			{"nobody claimed it", func(*notice.Notice) org.Caller { return w.alice }, review.ErrNotHolder},
			{"another reviewer holds it", func(n *notice.Notice) org.Caller { w.claim(w.alice, n); return w.bob }, review.ErrNotHolder},
			{"the claim expired", func(n *notice.Notice) org.Caller {
				w.claim(w.alice, n)
				w.clk.Advance(review.DefaultLease)
				return w.alice
			}, review.ErrNotHolder},
			{"already decided", func(n *notice.Notice) org.Caller {
				w.claim(w.alice, n)
				if _, _, err := w.svc.Decide(ctx, w.alice, caseOf(n), input(review.ActionNoAction)); err != nil {
					t.Fatal(err)
				}
				return w.alice
			}, review.ErrAlreadyDecided},
			{"waiting for approval", func(n *notice.Notice) org.Caller {
				w.claim(w.alice, n)
				if _, _, err := w.svc.Decide(ctx, w.alice, caseOf(n), input(review.ActionSuspend)); err != nil {
					t.Fatal(err)
				}
				return w.alice
			}, review.ErrAlreadyDecided},
		}
		for _, tc := range cases {
			n := w.file(w.flagger, notice.KindReport)
			by := tc.setup(n)
			before, err := w.db.CaseDecisions(ctx, caseOf(n))
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.svc.Decide(ctx, by, caseOf(n), input(review.ActionRemove)); !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
			if after, _ := w.db.CaseDecisions(ctx, caseOf(n)); len(after) != len(before) {
				t.Errorf("%s: the refusal added a decision", tc.name)
			}
		}
		if _, _, err := w.svc.Decide(ctx, w.alice, "case_missing", input(review.ActionNoAction)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown case: %v, want ErrNotFound", err)
		}
	})
}

// TestOnRemoveErrorUndoesTheDecision: the removed-content hook runs in the
// decision's transaction, so its failure leaves the case as it was.
func TestOnRemoveErrorUndoesTheDecision(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		boom := errors.New("bank down")
		var calls []string
		sv := *w.svc
		sv.OnRemove = func(_ context.Context, _ *store.Tx, caseID string, d *decision.Decision, _ time.Time) error {
			calls = append(calls, caseID+"/"+d.Action)
			return boom
		}
		n := w.file(w.authority, notice.KindOrder)
		w.claim(w.alice, n)
		if _, _, err := sv.Decide(ctx, w.alice, caseOf(n), input(review.ActionRemove)); !errors.Is(err, boom) {
			t.Fatalf("decide with a failing hook: %v", err)
		}
		if lc := w.leased(caseOf(n)); lc.State != notice.CaseOpen || lc.LeaseHolder != "key:alice" {
			t.Errorf("case after the hook failed: %+v", lc)
		}
		if ds, _ := w.db.CaseDecisions(ctx, caseOf(n)); len(ds) != 0 {
			t.Errorf("decision kept despite the hook: %+v", ds)
		}
		// The hook does not run for other actions, and the case can still be decided.
		if _, _, err := sv.Decide(ctx, w.alice, caseOf(n), input(review.ActionGeoRestrict+"x")); casetest.FieldErr(err) == "" {
			t.Errorf("unknown action not refused: %v", err)
		}
		in := input(review.ActionGeoRestrict)
		in.TerritorialScope = []string{"ID"}
		if _, _, err := sv.Decide(ctx, w.alice, caseOf(n), in); err != nil {
			t.Fatal(err)
		}
		if len(calls) != 1 || calls[0] != caseOf(n)+"/remove" {
			t.Errorf("hook calls %v", calls)
		}
	})
}

func TestFourEyes(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		n, d := w.decided(w.alice, w.flagger, notice.KindReport, review.ActionSuspend)
		if d.Status != decision.Pending {
			t.Fatalf("suspend is %s, want pending", d.Status)
		}
		refusals := []struct {
			name string
			do   func() error
			want error
		}{
			{"own approval", func() error { _, err := w.svc.Approve(ctx, w.alice, d.ID); return err }, review.ErrSelfApproval},
			{"own rejection", func() error { _, err := w.svc.Reject(ctx, w.alice, d.ID, "no"); return err }, review.ErrSelfApproval},
			{"authority approves", func() error { _, err := w.svc.Approve(ctx, w.auth, d.ID); return err }, review.ErrPlatformOnly},
			{"authority rejects", func() error { _, err := w.svc.Reject(ctx, w.auth, d.ID, "no"); return err }, review.ErrPlatformOnly},
			{"unknown decision approved", func() error { _, err := w.svc.Approve(ctx, w.bob, "dec_missing"); return err }, store.ErrNotFound},
			{"unknown decision rejected", func() error { _, err := w.svc.Reject(ctx, w.bob, "dec_missing", ""); return err }, store.ErrNotFound},
		}
		for _, r := range refusals {
			if err := r.do(); !errors.Is(err, r.want) {
				t.Errorf("%s: %v, want %v", r.name, err, r.want)
			}
		}
		if got, _ := w.db.Decision(ctx, d.ID); got.Status != decision.Pending {
			t.Fatalf("refusals changed the decision: %+v", got)
		}
		w.clk.Advance(time.Hour)
		ok, err := w.svc.Approve(ctx, w.bob, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		now := w.clk.Now()
		if ok.Status != decision.Final || ok.Approver != "key:bob" || !ok.ApprovedAt.Equal(now) || !ok.EffectiveAt.Equal(now) || !ok.CreatedAt.Equal(t0) {
			t.Errorf("approved decision %+v", ok)
		}
		if lc := w.leased(caseOf(n)); lc.State != notice.CaseDecided {
			t.Errorf("case after approval: %s", lc.State)
		}
		if acts, _ := w.db.CaseActions(ctx, caseOf(n)); len(acts) != 1 || acts[0].Action != review.ActionSuspend {
			t.Errorf("enforcement asked for %+v", acts)
		}
		types := w.eventTypes(caseOf(n))
		for _, want := range []string{"decision.proposed", "decision.approved", "case.decided"} {
			if !slices.Contains(types, want) {
				t.Errorf("timeline %v lacks %s", types, want)
			}
		}
		for _, r := range []func() error{
			func() error { _, err := w.svc.Approve(ctx, w.carol, d.ID); return err },
			func() error { _, err := w.svc.Reject(ctx, w.carol, d.ID, "late"); return err },
		} {
			if err := r(); !errors.Is(err, review.ErrNotPending) {
				t.Errorf("settling a final decision: %v, want ErrNotPending", err)
			}
		}
	})
}

func TestRejectReturnsTheCaseToTheQueue(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		n, d := w.decided(w.alice, w.authority, notice.KindOrder, review.ActionNoAction)
		if d.Status != decision.Pending {
			t.Fatalf("no_action on an order is %s, want pending", d.Status)
		}
		// While it waits, no one can claim the case.
		if cl, err := w.svc.Claim(ctx, w.carol, store.ClaimFilter{Language: n.Language}); cl != nil || !errors.Is(err, review.ErrNothingWaiting) {
			t.Fatalf("claimed a case waiting for approval: %+v, %v", cl, err)
		}
		rej, err := w.svc.Reject(ctx, w.bob, d.ID, "the order is lawful")
		if err != nil {
			t.Fatal(err)
		}
		if rej.Status != decision.Rejected || rej.Approver != "key:bob" || rej.EffectiveAt != nil {
			t.Errorf("rejected decision %+v", rej)
		}
		if lc := w.leased(caseOf(n)); lc.State != notice.CaseOpen || lc.LeaseHolder != "" {
			t.Errorf("case after rejection %+v", lc)
		}
		if !slices.Contains(w.eventTypes(caseOf(n)), "decision.rejected") {
			t.Error("no decision.rejected on the timeline")
		}
		if _, err := w.svc.Approve(ctx, w.carol, d.ID); !errors.Is(err, review.ErrNotPending) {
			t.Errorf("approving a rejected decision: %v", err)
		}
		if _, err := w.svc.Statement(ctx, d.ID, "en"); !errors.Is(err, review.ErrNoStatement) {
			t.Errorf("statement of a rejected decision: %v", err)
		}
		// Another reviewer takes it up and decides anew; the rejected decision does not block it.
		w.claim(w.carol, n)
		d2, pending, err := w.svc.Decide(ctx, w.carol, caseOf(n), input(review.ActionRemove))
		if err != nil || pending || d2.Status != decision.Final {
			t.Fatalf("new decision after rejection: %+v %v %v", d2, pending, err)
		}
		ds, _ := w.db.CaseDecisions(ctx, caseOf(n))
		if len(ds) != 2 {
			t.Errorf("case decisions %+v, want the rejected one and the final one", ds)
		}
	})
}

func TestCaseView(t *testing.T) {
	t.Parallel()
	casetest.Each(t, newWorld, func(ctx context.Context, t *testing.T, w *world) {
		hold := t0.Add(48 * time.Hour)
		n, d := w.decided(w.alice, w.authority, notice.KindOrder, review.ActionRemove, func(n *notice.Notice) { n.InformUploaderAfter = &hold })
		if _, err := w.svc.Case(ctx, w.auth, caseOf(n)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("authority reads a case: %v, want ErrNotFound", err)
		}
		if _, err := w.svc.Case(ctx, w.alice, "case_missing"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown case: %v", err)
		}
		v, err := w.svc.Case(ctx, w.bob, caseOf(n))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Notices) != 1 || len(v.Decisions) != 1 || v.Decisions[0].ID != d.ID || len(v.Actions) != 1 ||
			v.Appeals == nil || v.ChannelDecisions == nil || len(v.Timeline) == 0 || v.InformAfter == nil || !v.InformAfter.Equal(hold) {
			t.Errorf("case view %+v", v)
		}
	})
}
