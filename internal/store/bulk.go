package store

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
)

// maxParams keeps multi-row statements under both engines' parameter limits
// (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertRows inserts n rows with multi-row INSERTs, chunked under maxParams.
func (t *Tx) insertRows(ctx context.Context, table string, cols []string, n int, row func(i int, dst []any) []any) error {
	per := max(1, maxParams/len(cols))
	one := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	args := make([]any, 0, min(n, per)*len(cols))
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = row(i, args)
		}
		if _, err := t.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("store: insert into %s: %w", table, err)
		}
	}
	return nil
}

// placeholders returns "?, ?, ..." for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// anyChunks splits vals into runs of at most n, each as the arguments of an
// IN list, so that a long list stays under the engines' parameter limits.
func anyChunks[T any](vals []T, n int) iter.Seq[[]any] {
	return func(yield func([]any) bool) {
		for part := range slices.Chunk(vals, n) {
			args := make([]any, len(part))
			for i, v := range part {
				args[i] = v
			}
			if !yield(args) {
				return
			}
		}
	}
}
