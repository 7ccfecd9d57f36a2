package config_test

import (
	"io"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/config"
)

// parseCase is one run of config.Parse on flags and an environment, which
// either fails with an error holding wantErr or gives a Config whose part
// under test is want.
type parseCase[T comparable] struct {
	name    string
	args    []string
	env     map[string]string
	want    T
	wantErr string // a piece of the error, "" for none
}

// testParse runs every case as a parallel subtest, comparing what got reads
// from the parsed Config with the case's want.
func testParse[T comparable](t *testing.T, cases []parseCase[T], got func(config.Config) T) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := config.Parse(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%v) = %v, want an error with %q", tc.args, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%v): %v", tc.args, err)
			}
			if g := got(c); g != tc.want {
				t.Errorf("Parse(%v) = %v, want %v", tc.args, g, tc.want)
			}
		})
	}
}
