package org

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind is what an organisation is to the platform.
type Kind string

// The kinds of organisation.
const (
	KindPlatform  Kind = "platform"
	KindAuthority Kind = "authority"
	KindFlagger   Kind = "flagger"
)

// Role is what an API key (or a person) may do.
type Role string

// The roles of the contract.
const (
	RoleAdmin     Role = "admin"
	RoleReviewer  Role = "reviewer"
	RoleAuthority Role = "authority"
	RoleFlagger   Role = "flagger"
	RoleAuditor   Role = "auditor"
)

// ErrRoleMismatch means a role was asked for an org whose kind cannot hold it.
var ErrRoleMismatch = errors.New("org: role does not fit the organisation's kind")

// Org is an organisation.
type Org struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Kind          Kind      `json:"kind"`
	DefaultRegime string    `json:"default_regime,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	// RequireSignatures refuses the org's unsigned requests (RFC 9421).
	RequireSignatures bool `json:"require_signatures"`
}

// Key is a stored API key; the secret itself is never stored.
type Key struct {
	ID        string
	OrgID     string
	Role      Role
	Hash      string
	CreatedAt time.Time
	// ExpiresAt ends the key (zero: it never expires).
	ExpiresAt time.Time
}

// Caller is who a request comes from, once its key is checked.
type Caller struct {
	OrgID   string
	OrgKind Kind
	Role    Role
	KeyID   string
	UserID  string
	// DefaultRegime is the org's regime for notices that name none, read
	// with the key so that intake needs no second lookup ("" when unknown).
	DefaultRegime string
}

// Platform reports whether the caller acts for the platform (sees every notice).
func (c Caller) Platform() bool { return c.OrgKind == KindPlatform }

// ValidKind reports whether k is a known kind.
func ValidKind(k Kind) bool {
	return k == KindPlatform || k == KindAuthority || k == KindFlagger
}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	switch r {
	case RoleAdmin, RoleReviewer, RoleAuthority, RoleFlagger, RoleAuditor:
		return true
	}
	return false
}

// RoleFits reports whether an org of kind k may hold role r: reviewers belong to
// the platform, authority keys to authorities, flagger keys to flaggers; admins
// and auditors may belong to any org.
func RoleFits(k Kind, r Role) error {
	ok := false
	switch r {
	case RoleAdmin, RoleAuditor:
		ok = ValidKind(k)
	case RoleReviewer:
		ok = k == KindPlatform
	case RoleAuthority:
		ok = k == KindAuthority
	case RoleFlagger:
		ok = k == KindFlagger
	}
	if !ok {
		return fmt.Errorf("%w: role %q cannot be held by a %s org", ErrRoleMismatch, r, k)
	}
	return nil
}

// keyPrefix marks sigap keys so secret scanners and people can recognise them.
const keyPrefix = "sgp_"

// NewSecret returns a fresh API key secret and the hash to store for it.
func NewSecret() (secret, hash string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	secret = keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret)
}

// HashSecret is the stored form of a key. Keys carry 256 random bits, so a
// plain SHA-256 is enough: there is nothing to brute-force.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}
