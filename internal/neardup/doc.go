// Package neardup finds near-duplicate texts, such as re-posts of removed
// propaganda with a few words changed: MinHash signatures over word
// shingles of the normalised text, indexed with LSH banding, and candidates
// verified by the fraction of signature positions they agree on (an
// estimate of the Jaccard similarity of the shingle sets).
//
// Signatures use one-permutation hashing with optimal densification
// (Shrivastava, ICML 2017): each shingle is hashed once, into one of K bins,
// instead of K times, which makes a 1 KB post cost about a microsecond
// instead of tens. Hashing is seeded and deterministic, so signatures can be
// stored and compared across processes with the same Options.
//
// The Index is guarded by a sync.RWMutex rather than being an immutable
// snapshot: removed texts are added one at a time as moderators act, and
// copying a 100,000-document index on every addition would cost far more
// than the brief write lock. Queries take the read lock and run in parallel.
package neardup
