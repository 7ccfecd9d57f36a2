// Package policy holds the legal regimes sigap knows, their deadline classes
// and escalation points, and computes the deadline that each notice carries.
package policy
