// Package scan matches public posts against every enabled hash bank and rule
// list and acts on the hits: it records them, and files automated notices
// (and pending automated actions) through intake under a per-set daily
// circuit breaker and a per-entry flood guard.
//
// Matchers live in an immutable snapshot (a PDQ multi-index, exact MD5 and
// SHA-256 maps, one Aho-Corasick/regex matcher for every keyword and regex
// rule, one link matcher, one MinHash LSH index of removed texts) that
// Scanner.Run rebuilds off the hot path and swaps in atomically whenever the
// filter generation in the database moves: every change to banks, lists and
// entries bumps it in the same transaction, this process also rebuilds at
// once (Invalidate), and other processes notice at their next poll. A post
// without hits costs no database access; Scan returns only after hits and
// notices are stored, so a stream worker acknowledges a post once Scan
// returns nil, and a redelivered post is recorded and filed only once.
package scan
