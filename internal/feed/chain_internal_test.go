package feed

import (
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestLeafHashIsJSONs: the leaf hash written by hand is the hash of the
// JSON array json.Marshal makes, whatever the fields hold, so feeds chained
// before and after the fast path agree.
func TestLeafHashIsJSONs(t *testing.T) {
	t.Parallel()
	values := []string{"", "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", `a"b`, `a\b`, "<script>", "a&b", "tab\there",
		"line\nbreak", "naïve", "\u2028", "\xff\xfe", "\x7f", "~ ok !#$%'()*+,-./:;=?@[]^_`{|}", strings.Repeat("x", 2000)}
	for _, v := range values {
		for _, at := range []int64{0, -1, 1781234567890} {
			want := sha256.Sum256(must(json.Marshal([]string{"add", "ent_" + v, "sha256", v, "src " + v, strconv.FormatInt(at, 10)})))
			if got := leafHash("add", "ent_"+v, "sha256", v, "src "+v, at); got != want {
				t.Errorf("leafHash(%q, %d) differs from the JSON array's hash", v, at)
			}
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// BenchmarkLeafHash is one event's leaf: both sides of a sync hash every event.
func BenchmarkLeafHash(b *testing.B) {
	v := "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
	for b.Loop() {
		leafHash("add", "ent_06h1nwgbg3zxfhpxrqp9whv3", "sha256", v, "source platform", 1781234567890)
	}
}
