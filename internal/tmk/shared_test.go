package tmk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTMK reads and parses the .tmk file at path.
func readTMK(t testing.TB, path string) *Features {
	t.Helper()
	f, _ := readTMKBytes(t, path)
	return f
}

// readTMKBytes is readTMK that also returns the file's bytes.
func readTMKBytes(t testing.TB, path string) (*Features, []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Unmarshal(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f, b
}

// referenceFeatures reads every reference .tmk file, by video name.
func referenceFeatures(t testing.TB, dir string) map[string]*Features {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "tmk", "*.tmk"))
	if err != nil || len(files) < 7 {
		t.Fatalf("reference .tmk files: %d, %v", len(files), err)
	}
	out := map[string]*Features{}
	for _, f := range files {
		out[strings.TrimSuffix(filepath.Base(f), ".tmk")] = readTMK(t, f)
	}
	return out
}
