package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/tmk"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/video/videotest"
)

func TestRunHash(t *testing.T) {
	t.Parallel()
	const img = "../pdq/testdata/images/photoA.png"
	const want = "fc399924da5621d4c63973a56acfc926cf53d9341b18367d318666cf9b142649"
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantErr    bool
		wantOut    []string // lines, in order
		wantStderr string
	}{
		{name: "plain", args: []string{img}, wantOut: []string{want + " 100 " + img}},
		{name: "md5 sha256", args: []string{"--md5", "--sha256", img},
			wantOut: []string{want + " 100 b0b3ce0e9803e7de65a6b385a15ad96a b936420c10685ef6b41ff8f0f82575b8323a7e91401fa8579ee1b440829b0f10 " + img}},
		{name: "flag after the file", args: []string{img, "--md5"}, wantOut: []string{want + " 100 b0b3ce0e9803e7de65a6b385a15ad96a " + img}},
		{name: "double dash ends flags", args: []string{"--", img}, wantOut: []string{want + " 100 " + img}},
		{name: "dihedral", args: []string{"--dihedral", img}, wantOut: []string{
			"orig " + want + " 100 " + img,
			"rot90 f9c2503bb61d1f85e3e2776a2ef7ae95160ccd6acd704f0d8a3588a1238c716a 100 " + img,
			"rot180 816c338e8f038b7e936cd90f3f1a638c9806739e4e4d9cd764d3cc65ce418ce3 100 " + img,
			"rot270 bc97fa914348b12f36b7ddc07be2003f415967c09805eda7df60220b76d9dbc0 100 " + img,
			"flipx d43966dbda56de2bc6398c5a6a4f36d9ce5326cb1b18c982318699309b14d9b6 100 " + img,
			"flipy a96ccc71af03f481937c37f03f9a9c739b068e614e6d632864d3339ace41731c 100 " + img,
			"flipplus1 e9c2afc4961de47ae3e288952eb755ea160c3295cd50b8f28a35775e238c8e95 100 " + img,
			"flipminus1 bc97056e43484ed036b7223f7b62ff404159983f98051258df60ddf476d9243f 100 " + img,
		}},
		{name: "bad file continues", args: []string{"hash_test.go", img, "missing.png"}, wantErr: true,
			wantOut: []string{want + " 100 " + img}, wantStderr: "hash_test.go: pdq: unsupported image format"},
		{name: "stdin not an image", args: []string{"-"}, stdin: "hello", wantErr: true, wantStderr: "-: pdq: unsupported"},
		{name: "pixel limit", args: []string{"--max-pixels", "1000", img}, wantErr: true, wantStderr: "exceeds the pixel limit"},
		{name: "no files", args: nil, wantErr: true, wantStderr: "usage: sigap hash"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			env := testEnv(&out, &errOut, strings.NewReader(tc.stdin))
			err := runHash(t.Context(), env, tc.args)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v (stderr %q)", err, tc.wantErr, errOut.String())
			}
			if tc.name == "no files" && !errors.Is(err, errUsage) {
				t.Errorf("err = %v, want errUsage", err)
			}
			var lines []string
			if s := strings.TrimSpace(out.String()); s != "" {
				lines = strings.Split(s, "\n")
			}
			if strings.Join(lines, "\n") != strings.Join(tc.wantOut, "\n") {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), strings.Join(tc.wantOut, "\n"))
			}
			if !strings.Contains(errOut.String(), tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tc.wantStderr)
			}
		})
	}
}

func TestRunHashVideoUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{"both", []string{"--vpdq", "--tmk", "--out", "x.tmk", "v.mp4"}, "one of --vpdq and --tmk"},
		{"two videos", []string{"--vpdq", "a.mp4", "b.mp4"}, "one video FILE"},
		{"tmk without out", []string{"--tmk", "v.mp4"}, "--tmk needs --out"},
		{"tmk with vpdq options", []string{"--tmk", "--out", "x.tmk", "--downsample", "64", "v.mp4"}, "vPDQ options"},
		{"image flags", []string{"--vpdq", "--md5", "v.mp4"}, "for images"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			env := testEnv(&out, &errOut, nil)
			if err := runHash(t.Context(), env, tc.args); !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want errUsage", err)
			}
			if !strings.Contains(errOut.String(), tc.wantStderr) {
				t.Errorf("stderr %q does not contain %q", errOut.String(), tc.wantStderr)
			}
		})
	}
}

func TestRunHashVideoNoFFmpeg(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	env := testEnv(&out, &errOut, nil)
	missing := filepath.Join(t.TempDir(), "ffmpeg")
	err := runHash(t.Context(), env, []string{"--vpdq", "--ffmpeg", missing, "--ffprobe", missing, "v.mp4"})
	if !errors.Is(err, video.ErrNoFFmpeg) {
		t.Fatalf("err = %v, want video.ErrNoFFmpeg", err)
	}
}

// TestRunHashVideo hashes the padded sample (our hashes equal the
// reference's on every frame of it) and checks the printed lines against
// the reference's file, from a path and from standard input, and the .tmk
// file against the feature vectors the reference's file has.
func TestRunHashVideo(t *testing.T) {
	t.Parallel()
	dir := videotest.Vectors(t, video.Config{}.Available())
	clip := filepath.Join(dir, "videos", "test-padded-dimensions.mp4")
	want, err := os.ReadFile(filepath.Join(dir, "vpdq", "test-padded-dimensions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, stdin []byte, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		env := testEnv(&out, &errOut, bytes.NewReader(stdin))
		if err := runHash(t.Context(), env, args); err != nil {
			t.Fatalf("%v: %v (stderr %q)", args, err, errOut.String())
		}
		return out.String()
	}
	t.Run("vpdq file", func(t *testing.T) {
		t.Parallel()
		if got := run(t, nil, "--vpdq", clip); got != string(want) {
			t.Errorf("output differs from the reference's hashes:\n%.300s", got)
		}
	})
	t.Run("vpdq stdin one per second", func(t *testing.T) {
		t.Parallel()
		got := strings.Split(strings.TrimSpace(run(t, data, "--vpdq", "--seconds-per-hash", "1", "-")), "\n")
		lines := strings.Split(strings.TrimSpace(string(want)), "\n")
		wantLines := []string{lines[0], lines[30], lines[60], lines[90], lines[120]}
		if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
		}
	})
	t.Run("vpdq seconds read as a float", func(t *testing.T) {
		t.Parallel()
		// int(0.7f * 30) is 20 where int(0.7 * 30) would be 21.
		got := strings.Split(strings.TrimSpace(run(t, nil, "--vpdq", clip, "--seconds-per-hash", "0.7")), "\n")
		lines := strings.Split(strings.TrimSpace(string(want)), "\n")
		var wantLines []string
		for i := 0; i < len(lines); i += 20 {
			wantLines = append(wantLines, lines[i])
		}
		if strings.Join(got, "\n") != strings.Join(wantLines, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLines, "\n"))
		}
	})
	t.Run("tmk", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "clip.tmk")
		run(t, nil, "--tmk", clip, "--out", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		f, err := tmk.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		s, err := tmk.Compare(f, f, tmk.DefaultThresholds())
		if err != nil || !s.Match || f.FrameCount < 75 {
			t.Errorf("self-compare %+v, %v; %d frames", s, err, f.FrameCount)
		}
	})
}
