// Package store keeps sigap's state in SQLite (the embedded default) or
// PostgreSQL, with hand-written SQL behind a small dialect seam and group
// commits so that every acknowledged write is durable.
package store
