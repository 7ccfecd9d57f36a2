package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/sigap/sigap/internal/org"
)

// orgNamed returns the organisation of kind already called name (any case,
// spaces trimmed), so the portal refuses a second one: a form sent twice
// from a phone on a slow line would otherwise make two ministries of one.
func (p *Portal) orgNamed(ctx context.Context, name string, kind org.Kind) (org.Org, bool, error) {
	orgs, err := p.DB.Orgs(ctx)
	if err != nil {
		return org.Org{}, false, fmt.Errorf("web: org names: %w", err)
	}
	name = strings.TrimSpace(name)
	for _, o := range orgs {
		if o.Kind == kind && strings.EqualFold(strings.TrimSpace(o.Name), name) {
			return o, true, nil
		}
	}
	return org.Org{}, false, nil
}
