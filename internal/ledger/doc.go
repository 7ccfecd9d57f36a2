// Package ledger lays out the per-order compliance ledger an authority
// reconciles with SAMAN: received, due, acknowledged, actioned, late by how
// much, in UTC and WIB, as JSON rows or CSV.
package ledger
