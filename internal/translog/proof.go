package translog

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// ErrBadProof is wrapped by every proof that does not parse or does not verify.
var ErrBadProof = errors.New("translog: bad proof")

// maxProofHashes bounds a proof: a tree of 2^63 leaves needs under 128 hashes.
const maxProofHashes = 128

// InclusionProof is the JSON answer of GET /v1/log/proof/inclusion: the
// RFC 9162 audit path of the entry at Index in the tree of Size entries.
type InclusionProof struct {
	Index    int64    `json:"index"`
	Size     int64    `json:"size"`
	LeafHash string   `json:"leaf_hash"`
	RootHash string   `json:"root_hash"`
	Hashes   []string `json:"hashes"`
}

// ConsistencyProof is the JSON answer of GET /v1/log/proof/consistency: the
// RFC 9162 proof that the tree of Old entries is a prefix of the tree of New.
type ConsistencyProof struct {
	Old     int64    `json:"old"`
	New     int64    `json:"new"`
	OldRoot string   `json:"old_root"`
	NewRoot string   `json:"new_root"`
	Hashes  []string `json:"hashes"`
}

// EncodeHashes writes hashes as base64 strings.
func EncodeHashes(hs []tlog.Hash) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

// DecodeHash reads one base64 hash.
func DecodeHash(s string) (tlog.Hash, error) {
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) != tlog.HashSize {
		return tlog.Hash{}, fmt.Errorf("%w: %q is not a base64 SHA-256 hash", ErrBadProof, clip(s))
	}
	return tlog.Hash(b), nil
}

func decodeHashes(ss []string) ([]tlog.Hash, error) {
	if len(ss) > maxProofHashes {
		return nil, fmt.Errorf("%w: %d hashes, more than any tree needs", ErrBadProof, len(ss))
	}
	out := make([]tlog.Hash, len(ss))
	for i, s := range ss {
		h, err := DecodeHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// ParseInclusionProof reads and checks the shape of an inclusion proof answer.
func ParseInclusionProof(b []byte) (InclusionProof, error) {
	var p InclusionProof
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	if p.Index < 0 || p.Size <= p.Index {
		return p, fmt.Errorf("%w: index %d is not inside a tree of size %d", ErrBadProof, p.Index, p.Size)
	}
	if _, err := decodeHashes(append([]string{p.LeafHash, p.RootHash}, p.Hashes...)); err != nil {
		return p, err
	}
	return p, nil
}

// ParseConsistencyProof reads and checks the shape of a consistency proof answer.
func ParseConsistencyProof(b []byte) (ConsistencyProof, error) {
	var p ConsistencyProof
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("%w: %v", ErrBadProof, err)
	}
	if p.Old < 1 || p.New < p.Old {
		return p, fmt.Errorf("%w: old size %d and new size %d: want 1 <= old <= new", ErrBadProof, p.Old, p.New)
	}
	if _, err := decodeHashes(append([]string{p.OldRoot, p.NewRoot}, p.Hashes...)); err != nil {
		return p, err
	}
	return p, nil
}

// VerifyInclusion checks that the entry whose leaf hash is leaf sits at index
// in the tree of size entries whose root is root.
func VerifyInclusion(p InclusionProof, root tlog.Hash, leaf tlog.Hash) error {
	hs, err := decodeHashes(p.Hashes)
	if err != nil {
		return err
	}
	if p.Index < 0 || p.Index >= p.Size {
		return fmt.Errorf("%w: index %d is not inside a tree of size %d", ErrBadProof, p.Index, p.Size)
	}
	if err := tlog.CheckRecord(tlog.RecordProof(hs), p.Size, root, p.Index, leaf); err != nil {
		return fmt.Errorf("%w: entry %d is not in the tree of size %d with that root: %v", ErrBadProof, p.Index, p.Size, err)
	}
	return nil
}

// VerifyConsistency checks that the tree of old entries with root oldRoot is
// a prefix of the tree of new entries with root newRoot.
func VerifyConsistency(p ConsistencyProof, oldRoot, newRoot tlog.Hash) error {
	hs, err := decodeHashes(p.Hashes)
	if err != nil {
		return err
	}
	if p.Old < 1 || p.New < p.Old {
		return fmt.Errorf("%w: old size %d and new size %d: want 1 <= old <= new", ErrBadProof, p.Old, p.New)
	}
	if err := tlog.CheckTree(tlog.TreeProof(hs), p.New, newRoot, p.Old, oldRoot); err != nil {
		return fmt.Errorf("%w: the tree of size %d is not a prefix of the tree of size %d: %v", ErrBadProof, p.Old, p.New, err)
	}
	return nil
}

// LeafHash is the RFC 6962 leaf hash of an entry: SHA-256(0x00 || entry).
func LeafHash(entry []byte) tlog.Hash { return tlog.RecordHash(entry) }
