package client

import "time"

// KeyList is GET /v1/orgs/{org_id}/keys: an org's API keys, never their
// secrets.
type KeyList struct {
	Items []struct {
		ID         string     `json:"id"`
		Role       string     `json:"role"`
		CreatedAt  time.Time  `json:"created_at"`
		ExpiresAt  *time.Time `json:"expires_at"`
		LastUsedAt *time.Time `json:"last_used_at"`
		RevokedAt  *time.Time `json:"revoked_at"`
	} `json:"items"`
}
