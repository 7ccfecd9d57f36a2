package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
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
			env := &Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader(tc.stdin),
				Getenv: func(string) string { return "" }, Now: time.Now}
			err := runHash(context.Background(), env, tc.args)
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
