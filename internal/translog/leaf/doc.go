// Package leaf computes what the transparency log holds for one timeline
// event: a salted commitment, so the public log reveals nothing about whose
// notice an event belongs to while the database can recompute every entry.
package leaf
