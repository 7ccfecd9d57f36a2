// Package edverify verifies Ed25519 signatures with exactly crypto/ed25519's
// acceptance rules, faster for a key that verifies many: the key's point is
// decoded once and its multiples are tabled, so a verification is 64 point
// additions instead of about 250 doublings and 70 additions.
package edverify
