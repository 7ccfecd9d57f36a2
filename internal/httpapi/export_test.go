package httpapi

import (
	"sort"

	"github.com/sigap/sigap/internal/org"
)

// RouteAccess is who may call one route, as the route table says.
type RouteAccess struct {
	Pattern string
	Public  bool
	Roles   []org.Role
	// Platform lists the roles admitted only with a key of the platform's org.
	Platform []org.Role
	// RefusalStatus and RefusalCode answer another org's key of such a role.
	RefusalStatus int
	RefusalCode   string
}

// Routes is the route table's access, by pattern.
func (a *API) Routes() []RouteAccess {
	t := a.routes()
	out := make([]RouteAccess, 0, len(t.access))
	for p, x := range t.access {
		out = append(out, RouteAccess{Pattern: p, Public: x.public, Roles: x.roles, Platform: x.platform,
			RefusalStatus: x.refusal.Status, RefusalCode: x.refusal.Code})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Pattern < out[j].Pattern })
	return out
}
