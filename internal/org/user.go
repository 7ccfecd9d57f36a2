package org

import "time"

// User is a person who signs in to the portal. They belong to one org and
// hold one role, exactly as an API key does.
type User struct {
	ID           string
	OrgID        string
	OrgKind      Kind
	OrgName      string
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	TOTPSecret   string
	TOTPEnabled  bool
	// TOTPLastStep is the last RFC 6238 time step accepted, so a code is never accepted twice.
	TOTPLastStep int64
	FailedLogins int
	LockedUntil  time.Time
	Language     string
	CreatedAt    time.Time
	Disabled     bool
	// DisabledAt is when an admin disabled the user (zero: enabled).
	DisabledAt time.Time
}

// Caller is the user as the services see a request's author.
func (u User) Caller() Caller {
	return Caller{OrgID: u.OrgID, OrgKind: u.OrgKind, Role: u.Role, UserID: u.ID}
}
