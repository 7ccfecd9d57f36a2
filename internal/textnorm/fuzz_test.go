package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "b o m b", "ј𝗂һаd", "d4ul4h 2024", "مُجَاهِد", "x y aaaa", "a2b@$", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Normalize(s)
		if ref := string(refAppendString(nil, s)); out != ref {
			t.Fatalf("Normalize(%q) = %q, the v1 reference gives %q", s, out, ref)
		}
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 output %q", out)
		}
		if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
			t.Fatalf("bad spacing in %q", out)
		}
		if again := Normalize(out); again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, again)
		}
	})
}
