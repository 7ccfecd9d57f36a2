package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with testdata/NAME.golden. With update it writes got
// there instead (the package's -update flag), so an intended change is one
// run away and shows in the diff under review.
func Check(t testing.TB, name string, got []byte, update bool) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update in the package to create it)", err)
	}
	if !bytes.Equal(want, got) {
		line, g, w := firstDiff(got, want)
		t.Errorf("%s differs from the golden file at line %d:\n got %q\nwant %q\nif the change is intended run go test -run Golden -update in the package",
			path, line, g, w)
	}
}

// firstDiff returns the number of the first line where got and want differ,
// and that line of each ("" past the end).
func firstDiff(got, want []byte) (int, string, string) {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; ; i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) || i >= len(g) || i >= len(w) {
			return i + 1, string(gl), string(wl)
		}
	}
}
