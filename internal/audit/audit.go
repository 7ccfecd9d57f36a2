package audit

import (
	"context"
	"time"
)

// Entry is one change: who made it, what they did and to what. The store
// writes it as an event of the transparency log in the change's own
// transaction, so no change commits without its entry.
type Entry struct {
	At time.Time
	// Actor is the API key or portal user that made the change, or System.
	Actor string
	// Action names the change, such as key.revoked (see the constants).
	Action string
	// Object is the ID of what changed (an org, key, user, bank, list...).
	Object string
	// OrgID is the org the object belongs to, which decides who may read the
	// entry: the platform reads every entry, another org only its own.
	OrgID string
}

// Item is an entry as read back, with its place in the transparency log.
type Item struct {
	At       time.Time `json:"at"`
	Actor    string    `json:"actor"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	OrgID    string    `json:"org_id,omitempty"`
	LogIndex int64     `json:"log_index"`
}

// System is the actor of changes no person or key asked for: the first
// start's platform org and admin key, a policy file read at start.
const System = "system"

// The actions sigap records.
const (
	OrgCreated        = "org.created"
	KeyCreated        = "key.created"
	KeyRevoked        = "key.revoked"
	KeyRotated        = "key.rotated"
	UserCreated       = "user.created"
	UserDisabled      = "user.disabled"
	UserEnabled       = "user.enabled"
	UserRoleChanged   = "user.role_changed"
	UserPasswordReset = "user.password_reset"
	UserPasswordSet   = "user.password_set"
	UserTOTPReset     = "user.totp_reset"
	TrustChanged      = "trust.changed"
	WebhookSet        = "webhook.set"
	ContactAdded      = "contact.added"
	ContactRemoved    = "contact.removed"
	PolicyLoaded      = "policy.loaded"
	// SigningKeyRotated: a receipt or transparency-log signing key announced
	// (sigap keys rotate); the object is the new key's ID.
	SigningKeyRotated = "signing_key.rotated"
	// Hash banks and rule lists: the action is the set's kind ("bank" or
	// "list") and one of these, such as bank.entry_added.
	SetCreated      = "created"
	SetChanged      = "changed"
	SetImported     = "imported"
	SetEntryAdded   = "entry_added"
	SetEntryRemoved = "entry_removed"
	SetEntryRelease = "entry_released"
)

type actorKey struct{}

// WithActor returns ctx carrying the actor of the request it belongs to, so
// the store can name them in the entries of the changes the request makes.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor ctx carries, or System when it carries none.
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return System
}
