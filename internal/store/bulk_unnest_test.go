package store

import (
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestUnnestInsert(t *testing.T) {
	t.Parallel()
	i := func(v int64) *int64 { return &v }
	tests := []struct {
		name     string
		cols     []string
		vals     []any
		wantOK   bool
		wantQ    string
		wantArgs []any
	}{
		{
			name:     "typed columns, NULLs inside one, a column NULL in every row",
			cols:     []string{"a", "b", "c", "d"},
			vals:     []any{"x", nil, int64(1), []byte{1}, "y", nil, nil, []byte(nil)},
			wantOK:   true,
			wantQ:    "INSERT INTO t (a, b, c, d) SELECT u.c0, NULL, u.c2, u.c3 FROM unnest(?::text[], ?::bigint[], ?::bytea[]) AS u(c0, c2, c3)",
			wantArgs: []any{pgtype.FlatArray[string]{"x", "y"}, pgtype.FlatArray[*int64]{i(1), nil}, pgtype.FlatArray[[]byte]{{1}, nil}},
		},
		{
			name:     "int, bool and float columns",
			cols:     []string{"n", "ok", "f"},
			vals:     []any{3, true, 0.5},
			wantOK:   true,
			wantQ:    "INSERT INTO t (n, ok, f) SELECT u.c0, u.c1, u.c2 FROM unnest(?::bigint[], ?::boolean[], ?::double precision[]) AS u(c0, c1, c2)",
			wantArgs: []any{pgtype.FlatArray[int]{3}, pgtype.FlatArray[bool]{true}, pgtype.FlatArray[float64]{0.5}},
		},
		{name: "two types in one column", cols: []string{"a"}, vals: []any{"x", int64(2)}},
		{name: "bytes then text", cols: []string{"a"}, vals: []any{[]byte{1}, "x"}},
		{name: "a type it does not map", cols: []string{"a"}, vals: []any{struct{}{}}},
		{name: "every column NULL", cols: []string{"a", "b"}, vals: []any{nil, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q, args, ok := unnestInsert("t", tc.cols, len(tc.vals)/len(tc.cols), tc.vals)
			if ok != tc.wantOK {
				t.Fatalf("ok %v, want %v (query %q)", ok, tc.wantOK, q)
			}
			if !ok {
				return
			}
			if q != tc.wantQ {
				t.Errorf("query\n%s\nwant\n%s", q, tc.wantQ)
			}
			if !reflect.DeepEqual(args, tc.wantArgs) {
				t.Errorf("args %#v, want %#v", args, tc.wantArgs)
			}
		})
	}
}
