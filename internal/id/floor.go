package id

import (
	"encoding/binary"
	"time"
)

// Floor returns the smallest ID New can make with prefix at t or later: an
// ID made at t or after sorts at or above it, so a scan by ID can start at
// a time.
func Floor(prefix string, t time.Time) string {
	var b [15]byte
	binary.BigEndian.PutUint64(b[:8], uint64(max(t.UnixMilli(), 0))<<16)
	clear(b[6:])
	return prefix + "_" + enc.EncodeToString(b[:])
}
