package leaf

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strconv"
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

// Canonical returns the RFC 8785 canonical JSON document the commitment
// covers: {"at","case_id","data","log_index","notice_id","org_id","type"}, with
// data the stored JSON text as a string, byte for byte, so any edit of a row is
// a different document. It is written directly (no reflection, no parsing)
// because it runs inside the write transaction of every event.
func Canonical(e Event) []byte {
	data := e.Data
	if data == "" {
		data = "{}"
	}
	b := make([]byte, 0, 96+len(e.Type)+len(e.NoticeID)+len(e.CaseID)+len(e.OrgID)+len(data))
	b = append(b, `{"at":`...)
	b = strconv.AppendInt(b, e.At, 10)
	b = append(b, `,"case_id":`...)
	b = appendString(b, e.CaseID)
	b = append(b, `,"data":`...)
	b = appendString(b, data)
	b = append(b, `,"log_index":`...)
	b = strconv.AppendInt(b, e.LogIndex, 10)
	b = append(b, `,"notice_id":`...)
	b = appendString(b, e.NoticeID)
	b = append(b, `,"org_id":`...)
	b = appendString(b, e.OrgID)
	b = append(b, `,"type":`...)
	b = appendString(b, e.Type)
	return append(b, '}')
}

// appendString writes s as an RFC 8785 string: only '"', '\\' and control
// characters are escaped (the short forms where JSON has them); every other
// byte is copied as is.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\t':
			b = append(b, '\\', 't')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
	}
	return append(b, '"')
}

// Commit returns the event's entry: HMAC-SHA-256 keyed with its salt over its
// canonical JSON. Without the salt, nobody can test a guess of the event.
func Commit(salt []byte, e Event) ([]byte, error) {
	if len(salt) != SaltSize {
		return nil, fmt.Errorf("leaf: salt of %d bytes, want %d", len(salt), SaltSize)
	}
	m := hmac.New(sha256.New, salt)
	m.Write(Canonical(e))
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
