package dsasor_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
)

// FuzzValidate: the validator never panics, every refusal is a
// *ValidationError with a code and a message per field, and a statement it
// takes is still taken after a JSON round trip.
func FuzzValidate(f *testing.F) {
	good, _ := json.Marshal(base())
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"puid": "a b", "content_id": {"EAN-13": 1}}`))
	v := dsasor.Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		err := v.ValidateJSON(data)
		if err != nil {
			var ve *dsasor.ValidationError
			if !errors.As(err, &ve) || len(ve.Errors) == 0 {
				t.Fatalf("refusal %v is not a *ValidationError with errors", err)
			}
			for _, fe := range ve.Errors {
				if fe.Code == "" || fe.Message == "" {
					t.Fatalf("field error without code or message: %+v", fe)
				}
				root := fe.Field
				if i := strings.IndexAny(root, "[."); i > 0 {
					root = root[:i]
				}
				if root != "" && v.Spec().Field(root) == nil && fe.Code != "unknown_field" {
					t.Fatalf("field error names %q, which is no field: %+v", root, fe)
				}
			}
			return
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("the validator took %q, which is not a JSON object: %v", data, err)
		}
		again, _ := json.Marshal(m)
		if err := v.ValidateJSON(again); err != nil {
			t.Fatalf("took %s but not its round trip %s: %v", data, again, err)
		}
	})
}

// TestSeedCorpus: the seeds named valid_* are valid statements, the others are refused.
func TestSeedCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/fuzz/FuzzValidate/*")
	if err != nil || len(files) < 4 {
		t.Fatalf("seed corpus: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		body, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[len(lines)-1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		err = dsasor.Default().ValidateJSON([]byte(body))
		if valid := strings.HasPrefix(filepath.Base(f), "valid_"); valid != (err == nil) {
			t.Errorf("%s: %v", f, err)
		}
	}
}
