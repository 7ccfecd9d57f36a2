package vpdq

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sigap/sigap/internal/video"
)

// sharedDir is the upstream test-vector folder beside the repository (CI
// checks shared/ out next to the clone); SIGAP_SHARED_TESTDATA names
// another testdata folder.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir := "../../../shared/testdata/video"
	if d := os.Getenv("SIGAP_SHARED_TESTDATA"); d != "" {
		dir = filepath.Join(d, "video")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("shared video test vectors not present at %s (%v)", dir, err)
	}
	return dir
}

// requireFFmpeg skips without ffmpeg, or fails when SIGAP_REQUIRE_FFMPEG=1.
func requireFFmpeg(t testing.TB) {
	t.Helper()
	if err := (video.Config{}).Available(); err != nil {
		if os.Getenv("SIGAP_REQUIRE_FFMPEG") == "1" {
			t.Fatalf("SIGAP_REQUIRE_FFMPEG=1 but %v", err)
		}
		t.Skip(err)
	}
}

func readHashFile(t testing.TB, path string) Hash {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Parse(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return h
}
