package httpapi

import (
	"net/http"
	"slices"

	"github.com/sigap/sigap/internal/org"
)

// access says who may call a route: the roles it admits, and which of those
// it admits only with a key of the platform's org.
type access struct {
	// public routes take no key at all.
	public bool
	roles  []org.Role
	// platform lists the roles admitted only from the platform's org.
	platform []org.Role
	// refusal answers a key whose role is admitted only from the platform
	// when it belongs to another org.
	refusal Problem
	// token, when set, is a bearer token admitted besides the keys, with no
	// caller (the metrics scraper's); the route must not need one.
	token string
}

// anyOrg admits keys of these roles from any org.
func anyOrg(roles ...org.Role) access { return access{roles: roles} }

// platformKeys admits keys of these roles from the platform's org only.
func platformKeys(roles ...org.Role) access {
	return access{roles: roles, platform: roles, refusal: platformOnly403()}
}

// refusing answers other orgs' keys with p instead of platform_only.
func (x access) refusing(p Problem) access {
	x.refusal = p
	return x
}

// orToken also admits a request bearing token, when token is set.
func (x access) orToken(token string) access {
	x.token = token
	return x
}

// and admits the callers of either x or y; y's refusal wins when both have one.
func (x access) and(y access) access {
	x.roles = append(slices.Clone(x.roles), y.roles...)
	x.platform = append(slices.Clone(x.platform), y.platform...)
	if len(y.platform) > 0 {
		x.refusal = y.refusal
	}
	return x
}

// admits says whether c may call the route; when not, it says how to refuse.
func (x access) admits(c org.Caller) (Problem, bool) {
	if !slices.Contains(x.roles, c.Role) {
		return newProblem(http.StatusForbidden, "forbidden_role", "Not allowed for this role",
			"a key with role "+string(c.Role)+" cannot do this"), false
	}
	if slices.Contains(x.platform, c.Role) && !c.Platform() {
		return x.refusal, false
	}
	return Problem{}, true
}

// platformOnly403 refuses another org's key on a route of the platform's.
func platformOnly403() Problem {
	return newProblem(http.StatusForbidden, "platform_only", "Only the platform can do this", "use a key of the platform's org")
}

// filterTenant refuses another org's key on banks, lists and scanning.
func filterTenant() Problem {
	return newProblem(http.StatusForbidden, "forbidden_tenant", "Not allowed for this organisation",
		"hash banks, rule lists and scanning belong to the platform; only the platform's keys may use them")
}

// notFound is the answer that does not admit an object exists.
func notFound() Problem {
	return newProblem(http.StatusNotFound, "not_found", "Not found", "no such object, or it is not yours to see")
}

// notAllowed is a 403 forbidden_role that says who may do it.
func notAllowed(detail string) Problem {
	return newProblem(http.StatusForbidden, "forbidden_role", "Not allowed", detail)
}
