// Package linkmatch matches links against link rules: domains (with all their
// subdomains) sized for lists of millions such as Indonesia's TRUST+ Positif,
// exact URLs, and Telegram channels and messages through the canonical
// subjects of package subject.
//
// Domains are stored blocky-style: a sorted []uint64 of 64-bit hashes of the
// byte-reversed domain with a 65,536-bucket index on the top bits, plus the
// rule number of each entry (uint16 while there are fewer than 65,536
// rules). A host is looked up by hashing it from its last byte towards the
// first and probing at every label boundary, so "a.b.example.com" probes
// "com", "example.com", "b.example.com" and "a.b.example.com" with one pass
// of hashing. About 10 bytes per domain; no strings are kept. Two different
// domains share a hash with probability about 2^-64 per pair, so the false
// positive rate at 5M domains and 1M lookups a second is below one a
// millennium; a hit reports the suffix of the queried host that matched.
package linkmatch
