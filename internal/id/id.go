package id

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"time"
)

// enc is lower-case Crockford-like base32 without padding; its alphabet sorts
// in the same order as the bytes it encodes, which keeps IDs time-ordered.
var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// New returns prefix_ followed by 48 bits of milliseconds since the epoch and
// 72 random bits, so IDs sort by creation time to the millisecond.
func New(prefix string, now time.Time) string {
	var b [15]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	_, _ = rand.Read(b[6:])
	return prefix + "_" + enc.EncodeToString(b[:])
}
