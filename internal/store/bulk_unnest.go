package store

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgtype"
)

// On PostgreSQL a multi-row INSERT's text depends on its row count, so a
// group of 37 notices and one of 38 are two statements, each parsed, planned
// and cached apart on every connection: with group sizes from 1 to 128 and
// four tables per group, pgx's statement cache thrashed and PostgreSQL
// planned most INSERTs afresh. unnestInsert sends each column as one array
// instead, INSERT ... SELECT FROM unnest($1::text[], ...), so every group
// size is the same statement.

// unnestInsert returns the INSERT of rows (n rows of len(cols) values each,
// row after row in vals) as one statement with one array argument per
// column, or ok false when a column holds values of a Go type it does not
// map (the caller then uses VALUES). A column that is NULL in every row is
// written as NULL, which PostgreSQL types from the target column.
func unnestInsert(table string, cols []string, n int, vals []any) (q string, args []any, ok bool) {
	var sel, arrays, names []string
	for c := range cols {
		arr, typ, ok := pgColumn(vals, len(cols), c, n)
		if !ok {
			return "", nil, false
		}
		if arr == nil {
			sel = append(sel, "NULL")
			continue
		}
		name := "c" + strconv.Itoa(c)
		sel = append(sel, "u."+name)
		names = append(names, name)
		arrays = append(arrays, "?::"+typ+"[]")
		args = append(args, arr)
	}
	if len(arrays) == 0 {
		return "", nil, false
	}
	q = "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") SELECT " + strings.Join(sel, ", ") +
		" FROM unnest(" + strings.Join(arrays, ", ") + ") AS u(" + strings.Join(names, ", ") + ")"
	return q, args, true
}

// pgColumn gathers column c of n rows into a typed slice pgx sends as a
// PostgreSQL array (nil elements are NULLs), with the array's element type.
// It returns a nil slice for a column that is NULL in every row. The slices
// are pgtype.FlatArray, which pgx encodes without reflection (a []*string or
// [][]byte took its reflection path: 5% of the sigap process's CPU in
// `sigap bench intake` on PostgreSQL).
func pgColumn(vals []any, width, c, n int) (arr any, typ string, ok bool) {
	var kind any // the first non-nil value, which fixes the column's type
	for i := range n {
		if v := vals[i*width+c]; v != nil {
			kind = v
			break
		}
	}
	switch kind.(type) {
	case nil:
		return nil, "", true
	case string:
		return column[string](vals, width, c, n, "text")
	case int64:
		return column[int64](vals, width, c, n, "bigint")
	case int:
		return column[int](vals, width, c, n, "bigint")
	case bool:
		return column[bool](vals, width, c, n, "boolean")
	case float64:
		return column[float64](vals, width, c, n, "double precision")
	case []byte:
		out := make(pgtype.FlatArray[[]byte], n)
		for i := range n {
			switch v := vals[i*width+c].(type) {
			case nil:
			case []byte:
				out[i] = v
			default:
				return nil, "", false
			}
		}
		return out, "bytea", true
	}
	return nil, "", false
}

// column gathers column c as values of T, or as pointers to them when a row
// holds NULL; a value of another type is not ok.
func column[T any](vals []any, width, c, n int, typ string) (any, string, bool) {
	out := make(pgtype.FlatArray[T], n)
	nulls := false
	for i := range n {
		switch v := vals[i*width+c].(type) {
		case T:
			out[i] = v
		case nil:
			nulls = true
		default:
			return nil, "", false
		}
	}
	if !nulls {
		return out, typ, true
	}
	ptrs := make(pgtype.FlatArray[*T], n)
	for i := range n {
		if vals[i*width+c] != nil {
			ptrs[i] = &out[i]
		}
	}
	return ptrs, typ, true
}
