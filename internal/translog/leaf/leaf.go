package leaf

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sigap/sigap/internal/receipt"
)

// SaltSize is the length of an event's random salt. 16 bytes make the
// commitment unguessable even for an event whose every field is known.
const SaltSize = 16

// Size is the length of an entry in the log: one HMAC-SHA-256 output.
const Size = sha256.Size

// Event is the part of a stored timeline event that its entry commits to,
// exactly as the database keeps it: the time in Unix milliseconds, empty
// strings for absent IDs, and the data as stored JSON text.
type Event struct {
	LogIndex int64
	At       int64
	Type     string
	NoticeID string
	CaseID   string
	OrgID    string
	Data     string
}

// ErrBadData means an event's data is not JSON, so it cannot be committed to
// (in a stored event: it was edited).
var ErrBadData = errors.New("leaf: event data is not valid JSON")

// canonicalEvent is the document a commitment covers; field names are part of
// the log's format (docs/transparency-log.md).
type canonicalEvent struct {
	At       int64           `json:"at"`
	CaseID   string          `json:"case_id"`
	Data     json.RawMessage `json:"data"`
	LogIndex int64           `json:"log_index"`
	NoticeID string          `json:"notice_id"`
	OrgID    string          `json:"org_id"`
	Type     string          `json:"type"`
}

// Canonical returns the RFC 8785 canonical JSON the commitment covers. The
// data is canonicalised too, so re-encoding it (white space, key order) does
// not change the entry, while any change of meaning does.
func Canonical(e Event) ([]byte, error) {
	data := e.Data
	if data == "" {
		data = "{}"
	}
	if !json.Valid([]byte(data)) {
		return nil, ErrBadData
	}
	b, err := receipt.Marshal(canonicalEvent{At: e.At, CaseID: e.CaseID, Data: json.RawMessage(data), LogIndex: e.LogIndex,
		NoticeID: e.NoticeID, OrgID: e.OrgID, Type: e.Type})
	if err != nil {
		return nil, fmt.Errorf("leaf: %w", err)
	}
	return b, nil
}

// Commit returns the event's entry: HMAC-SHA-256 keyed with its salt over its
// canonical JSON. Without the salt, nobody can test a guess of the event.
func Commit(salt []byte, e Event) ([]byte, error) {
	if len(salt) != SaltSize {
		return nil, fmt.Errorf("leaf: salt of %d bytes, want %d", len(salt), SaltSize)
	}
	c, err := Canonical(e)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, salt)
	m.Write(c)
	return m.Sum(nil), nil
}

// NewSalts returns n fresh random salts cut from one read of the system's
// random source.
func NewSalts(n int) [][]byte {
	buf := make([]byte, n*SaltSize)
	_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported systems
	out := make([][]byte, n)
	for i := range out {
		out[i] = buf[i*SaltSize : (i+1)*SaltSize : (i+1)*SaltSize]
	}
	return out
}
