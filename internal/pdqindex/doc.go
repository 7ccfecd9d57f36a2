// Package pdqindex finds every PDQ hash within a Hamming distance of a query
// among millions, exactly, with multi-index hashing (11 to 16 substrings,
// chosen by size), and swaps rebuilt snapshots in atomically for readers.
package pdqindex
