package splitmix_test

import (
	"testing"

	"github.com/sigap/sigap/internal/splitmix"
)

// TestMix64 pins the finaliser to the reference splitmix64 generator seeded
// with 0, whose every output is Mix64 of its state after one more step of
// the golden gamma.
func TestMix64(t *testing.T) {
	t.Parallel()
	var state uint64
	for i, want := range []uint64{0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f} {
		state += 0x9e3779b97f4a7c15
		if got := splitmix.Mix64(state); got != want {
			t.Errorf("output %d = %#x, want %#x", i+1, got, want)
		}
	}
}
