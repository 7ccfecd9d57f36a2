// Package pdqindex finds every PDQ hash within a Hamming distance of a query
// among millions, exactly, with multi-index hashing over 16 chunks of 16 bits,
// and swaps rebuilt snapshots in atomically for readers.
package pdqindex
