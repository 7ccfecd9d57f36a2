package web

import (
	"context"
	"fmt"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// firstStep is one thing a new portal still lacks before it is of use, with
// the page where it is done; Text and Do are catalogue keys.
type firstStep struct {
	Text, Do, Href string
}

// firstSteps says what a new user should do first, and only while it is
// undone: a fresh platform's admin adds the authority and its officers,
// then the platform's reviewers; an officer whose authority has filed
// nothing files its first notice. A portal in use shows none.
func (p *Portal) firstSteps(ctx context.Context, q *req) ([]firstStep, error) {
	var out []firstStep
	switch {
	case q.IsPlatform() && q.IsAdmin():
		orgs, err := p.DB.Orgs(ctx)
		if err != nil {
			return nil, fmt.Errorf("web: first steps: %w", err)
		}
		if !hasAuthority(orgs) {
			out = append(out, firstStep{Text: "first.authority", Do: "first.authority_do", Href: "/admin"})
		}
		users, err := p.DB.Users(ctx, q.User.OrgID)
		if err != nil {
			return nil, fmt.Errorf("web: first steps: %w", err)
		}
		if len(users) < 2 {
			out = append(out, firstStep{Text: "first.reviewers", Do: "first.reviewers_do", Href: "/admin/orgs/" + q.User.OrgID})
		}
	case !q.IsPlatform() && q.CanFile():
		filed, err := p.DB.SearchNotices(ctx, store.NoticeSearch{NoticeFilter: store.NoticeFilter{OrgID: q.User.OrgID, Limit: 1}})
		if err != nil {
			return nil, fmt.Errorf("web: first steps: %w", err)
		}
		if len(filed) == 0 {
			out = append(out, firstStep{Text: "first.notice", Do: "first.notice_do", Href: "/notices/new"})
		}
	}
	return out, nil
}

func hasAuthority(orgs []org.Org) bool {
	for _, o := range orgs {
		if o.Kind == org.KindAuthority {
			return true
		}
	}
	return false
}
