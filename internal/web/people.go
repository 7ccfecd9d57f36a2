package web

import (
	"context"
	"strings"
	"sync"

	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// people names the persons behind the actor strings the records keep
// ("user:usr_…", a bare user ID, "key:key_…", "system"), so pages show who
// rather than an identifier. It reads the users once per page, on first
// use, and names only those the viewer may know: platform staff see
// everyone, other viewers their own organisation's people.
type people struct {
	ctx    context.Context
	db     *store.DB
	viewer *org.User
	once   sync.Once
	byID   map[string]org.User
}

// person is an actor as a page shows it: a name to read, and the
// identifier the records keep, for a title or small print. Key is a
// catalogue key for actors that are not people ("" for a person).
type person struct {
	Name, ID, Key string
}

// Of names actor.
func (p *people) Of(actor string) person {
	switch {
	case actor == "":
		return person{Key: "who.nobody"}
	case actor == "system":
		return person{Key: "who.system", ID: actor}
	case strings.HasPrefix(actor, "key:"), strings.HasPrefix(actor, "key_"):
		return person{Key: "who.key", ID: strings.TrimPrefix(actor, "key:")}
	}
	id := strings.TrimPrefix(actor, "user:")
	if p == nil || p.db == nil {
		return person{Name: id, ID: id}
	}
	p.once.Do(p.load)
	u, ok := p.byID[id]
	if !ok || (p.viewer.OrgKind != org.KindPlatform && u.OrgID != p.viewer.OrgID) {
		return person{Name: id, ID: id}
	}
	name := u.Email
	if u.Name != "" && u.Name != u.Email {
		name = u.Name + " (" + u.Email + ")"
	}
	return person{Name: name, ID: id}
}

func (p *people) load() {
	p.byID = map[string]org.User{}
	if p.viewer == nil {
		return
	}
	// A failed read leaves the identifiers showing: the page still serves.
	us, err := p.db.Users(p.ctx, "")
	if err != nil {
		return
	}
	for _, u := range us {
		p.byID[u.ID] = u
	}
}
