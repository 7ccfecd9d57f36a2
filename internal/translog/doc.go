// Package translog is sigap's tamper-evident transparency log: an RFC 6962 /
// RFC 9162 Merkle tree over commitments to every timeline event, published as
// C2SP signed-note checkpoints and C2SP tlog-tiles, with inclusion and
// consistency proofs and an offline auditor (docs/transparency-log.md).
package translog
