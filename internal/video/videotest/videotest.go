package videotest

import (
	"os"
	"path/filepath"
	"testing"
)

// SharedDir is the upstream test-vector folder beside the repository (CI
// checks shared/ out next to the clone), given relative to a package folder
// two levels below the module root; SIGAP_SHARED_TESTDATA names another
// testdata folder. It skips the test when the vectors are not there.
func SharedDir(t testing.TB) string {
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

// RequireFFmpeg skips the test when available (the error of
// video.Config.Available) is not nil, or fails it when
// SIGAP_REQUIRE_FFMPEG=1. It takes the error rather than calling video so
// that package video's own tests can use it too.
func RequireFFmpeg(t testing.TB, available error) {
	t.Helper()
	if available != nil {
		if os.Getenv("SIGAP_REQUIRE_FFMPEG") == "1" {
			t.Fatalf("SIGAP_REQUIRE_FFMPEG=1 but %v", available)
		}
		t.Skip(available)
	}
}

// Vectors is SharedDir for a test that decodes them: it also needs ffmpeg,
// whose availability (video.Config.Available) the caller passes, as
// RequireFFmpeg does.
func Vectors(t testing.TB, available error) string {
	t.Helper()
	dir := SharedDir(t)
	RequireFFmpeg(t, available)
	return dir
}

// Video is the path of one of the upstream sample videos (videos/name),
// with the skips of Vectors.
func Video(t testing.TB, available error, name string) string {
	t.Helper()
	return filepath.Join(Vectors(t, available), "videos", name)
}
