// Package vpdq computes, reads, writes and matches vPDQ video hashes (one PDQ
// hash per frame, with its quality and timestamp) as Meta's ThreatExchange
// vPDQ reference does, and indexes banked videos so that a query is not
// compared frame by frame with every banked frame.
package vpdq
