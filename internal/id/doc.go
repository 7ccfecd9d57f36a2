// Package id makes opaque, time-ordered identifiers, so that lists can page by
// ID alone and two IDs never collide across processes.
package id
