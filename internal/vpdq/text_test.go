package vpdq

import (
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/video/videotest"
)

const (
	hexA = "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c"
	hexB = "c0f11178372c6aaccddea259648fbfd62f434c89c9e99b249772be216c8d055c"
)

func mustHex(t testing.TB, s string) pdq.Hash {
	t.Helper()
	h, err := pdq.ParseHex(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestParseForms(t *testing.T) {
	t.Parallel()
	a, b := mustHex(t, hexA), mustHex(t, hexB)
	want := Hash{{Frame: 0, Quality: 100, Hash: a, Timestamp: 0}, {Frame: 1, Quality: 49, Hash: b, Timestamp: 0.033}}
	tests := []struct {
		name string
		in   string
		want Hash
	}{
		{"reference lines", "0,100," + hexA + ",0.000\n1,49," + hexB + ",0.033\n", want},
		{"crlf and blank lines", "\r\n0,100," + hexA + ",0.000\r\n\r\n1,49," + hexB + ",0.033", want},
		{"compact lines", hexA + ",100,0.0\n" + hexB + ",49,0.033\n", want},
		{"compact JSON", `["` + hexA + `,100,0.0", "` + hexB + `,49,0.033"]`, want},
		{"frame numbers kept", "7,100," + hexA + ",0.233\n", Hash{{Frame: 7, Quality: 100, Hash: a, Timestamp: 0.233}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d frames, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("frame %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrEmpty},
		{"blank", "\n\n", ErrEmpty},
		{"empty JSON", "[]", ErrEmpty},
		{"two fields", hexA + ",100", ErrSyntax},
		{"five fields", "0,100," + hexA + ",0.0,x", ErrSyntax},
		{"short hash", "0,100,abcd,0.0", ErrSyntax},
		{"quality over 100", "0,101," + hexA + ",0.0", ErrSyntax},
		{"negative quality", "0,-1," + hexA + ",0.0", ErrSyntax},
		{"negative frame", "-1,100," + hexA + ",0.0", ErrSyntax},
		{"negative time", "0,100," + hexA + ",-1", ErrSyntax},
		{"NaN time", "0,100," + hexA + ",NaN", ErrSyntax},
		{"infinite time", "0,100," + hexA + ",+Inf", ErrSyntax},
		{"absurd time", "0,100," + hexA + ",1e308", ErrSyntax},
		{"bad JSON", `["` + hexA, ErrSyntax},
		{"JSON numbers", `[1, 2]`, ErrSyntax},
		{"long line", strings.Repeat("0", 300) + ",100," + hexA + ",0.0", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Parse(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("Parse(%q) err = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 20).Draw(t, "n")
		h := make(Hash, n)
		for i := range h {
			var ph pdq.Hash
			for w := range ph {
				ph[w] = rapid.Uint64().Draw(t, "w")
			}
			h[i] = Feature{
				Frame:     rapid.IntRange(0, 1<<30).Draw(t, "frame"),
				Quality:   rapid.IntRange(0, 100).Draw(t, "quality"),
				Hash:      ph,
				Timestamp: float64(rapid.IntRange(0, 1<<30).Draw(t, "ms")) / 1000,
			}
		}
		got, err := Parse(h.String())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(h) {
			t.Fatalf("%d frames back, want %d", len(got), len(h))
		}
		for i := range h {
			if got[i] != h[i] {
				t.Fatalf("frame %d = %+v, want %+v", i, got[i], h[i])
			}
		}
	})
}

// TestReferenceFilesRoundTrip reads the reference's sample hash files and
// writes them back byte for byte.
func TestReferenceFilesRoundTrip(t *testing.T) {
	t.Parallel()
	dir := videotest.SharedDir(t)
	for _, name := range []string{"chair-19-sd-bar.txt", "test-padded-dimensions.txt", "chair-20-sd-bar-128x128.txt"} {
		b := readFile(t, dir+"/vpdq/"+name)
		h, err := Parse(string(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := h.String(); got != string(b) {
			t.Errorf("%s: formatted text differs from the reference file", name)
		}
	}
}
