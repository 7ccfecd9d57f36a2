package pdq

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
)

// Hash is a 256-bit PDQ hash. Bit k (k = 16*row + col of the 16x16 DCT) is
// bit k%64 of word k/64, so the hex form, read as one big-endian 256-bit
// integer, has bit k at position k, as upstream prints it. Four machine words
// keep the Hamming distance at four XOR+POPCNT.
type Hash [4]uint64

// HexLen is the length of a hash in hexadecimal.
const HexLen = 64

// ErrBadHex reports a hash string that is not 64 hexadecimal digits.
var ErrBadHex = errors.New("pdq: hash must be 64 hexadecimal digits")

// ParseHex parses the 64-hex-digit form printed by the reference tools.
// Upper- and lower-case digits are accepted.
func ParseHex(s string) (Hash, error) {
	var h Hash
	if len(s) != HexLen {
		return h, fmt.Errorf("%w: got %d characters", ErrBadHex, len(s))
	}
	var b [32]byte
	if _, err := hex.Decode(b[:], []byte(s)); err != nil {
		return h, fmt.Errorf("%w: %v", ErrBadHex, err)
	}
	for w := range 4 {
		// b[0:8] is the most significant word (bits 192..255).
		off := (3 - w) * 8
		var v uint64
		for i := range 8 {
			v = v<<8 | uint64(b[off+i])
		}
		h[w] = v
	}
	return h, nil
}

// String returns the 64 lowercase hex digits, most significant word first.
func (h Hash) String() string {
	const digits = "0123456789abcdef"
	var out [HexLen]byte
	for w := range 4 {
		v := h[3-w]
		for i := 15; i >= 0; i-- {
			out[w*16+i] = digits[v&0xf]
			v >>= 4
		}
	}
	return string(out[:])
}

// Bit reports whether bit k (0..255) is set.
func (h Hash) Bit(k int) bool { return h[k>>6]>>(uint(k)&63)&1 == 1 }

// setBit sets bit k.
func (h *Hash) setBit(k int) { h[k>>6] |= 1 << (uint(k) & 63) }

// IsZero reports whether no bit is set, which is what images smaller than
// the minimum hashable size produce.
func (h Hash) IsZero() bool { return h == Hash{} }

// OnesCount returns the number of set bits; a normal image hash has 128.
func (h Hash) OnesCount() int {
	return bits.OnesCount64(h[0]) + bits.OnesCount64(h[1]) + bits.OnesCount64(h[2]) + bits.OnesCount64(h[3])
}

// Distance returns the Hamming distance between a and b (0..256).
func Distance(a, b Hash) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// Within reports whether Distance(a, b) <= maxDist.
func Within(a, b Hash, maxDist int) bool { return Distance(a, b) <= maxDist }
