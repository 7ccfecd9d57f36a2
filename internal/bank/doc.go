// Package bank holds what is particular to hash banks, the filterset.Kind
// whose sets hold PDQ, MD5 and SHA-256 signals of known content: which
// signal types there are and how each value is checked, and the CSV and
// JSON shapes banks are exchanged in. The service they share with rule
// lists is internal/filterset; a new signal type (video hashes) is a change
// here alone.
//
// Import formats (see docs/filtering.md): CSV "type,value,source" with an
// optional header; HMA 2.0 style JSON, an array of {"signal_type", "signal"}
// objects or a map {"pdq": [...], "md5": [...], "sha256": [...]}; and
// ThreatExchange threat descriptors, {"data": [{"type": "HASH_PDQ",
// "raw_indicator": "..."}]}, a bare array of them, or python-threatexchange
// style {"indicator", "type"} records. Export writes CSV, the HMA style
// array, or ThreatExchange descriptors.
package bank
