package store

import (
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/trust"
)

// Intake checks the sender's trust record for every notice (the flagger
// gate), and a group holds many notices from few senders: on PostgreSQL that
// look-up was half of a writer's round trips per notice. A transaction
// therefore remembers each org's record once read, until a statement writes
// the trust table or a caller's savepoint rolls back. Notices later in a
// group see the record as the group first read it, as if they had been
// filed a few milliseconds earlier.

// trustSeen is a trust look-up remembered in a transaction: the record, or ErrNotFound.
type trustSeen struct {
	rec trust.Record
	err error
}

// seenTrust returns the remembered look-up of orgID, with its own slices.
func (t *Tx) seenTrust(orgID string) (trustSeen, bool) {
	s, ok := t.trust[orgID]
	if ok {
		s.rec.Categories, s.rec.Jurisdictions = slices.Clone(s.rec.Categories), slices.Clone(s.rec.Jurisdictions)
	}
	return s, ok
}

func (t *Tx) rememberTrust(orgID string, r trust.Record, err error) {
	if t.trust == nil {
		t.trust = map[string]trustSeen{}
	}
	r.Categories, r.Jurisdictions = slices.Clone(r.Categories), slices.Clone(r.Jurisdictions)
	t.trust[orgID] = trustSeen{rec: r, err: err}
}

// forgetTrust drops what the transaction remembers when q may change it.
func (t *Tx) forgetTrust(q string) {
	if t.trust != nil && strings.Contains(q, "trust") {
		t.trust = nil
	}
}
