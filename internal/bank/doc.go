// Package bank manages hash banks: named sets of PDQ, MD5 and SHA-256
// signals of known content, each with a policy (auto_action, review or
// shadow), labels, a roll-out fraction, and provenance per entry; and it
// reads and writes the CSV and JSON shapes banks are exchanged in.
//
// Import formats (see docs/filtering.md): CSV "type,value,source" with an
// optional header; HMA 2.0 style JSON, an array of {"signal_type", "signal"}
// objects or a map {"pdq": [...], "md5": [...], "sha256": [...]}; and
// ThreatExchange threat descriptors, {"data": [{"type": "HASH_PDQ",
// "raw_indicator": "..."}]}, a bare array of them, or python-threatexchange
// style {"indicator", "type"} records. Export writes CSV, the HMA style
// array, or ThreatExchange descriptors.
package bank
