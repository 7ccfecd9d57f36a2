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
	return t.insertRowsThen(ctx, table, cols, n, row, "", nil)
}

// insertRowsThen is insertRows with tail (an ON CONFLICT or RETURNING clause)
// after each chunk's VALUES; scan, when set, reads each chunk's returned rows.
func (t *Tx) insertRowsThen(ctx context.Context, table string, cols []string, n int, row func(i int, dst []any) []any,
	tail string, scan func(rowScanner) error) error {
	if t.dialect == Postgres && n > 0 {
		vals := rowValues(n, len(cols), row)
		if q, args, ok := unnestInsert(table, cols, n, vals); ok {
			if scan == nil && t.sendLater(q+tail, args) {
				return nil
			}
			if err := t.execOrScan(ctx, q+tail, args, scan); err != nil {
				return fmt.Errorf("store: insert into %s: %w", table, err)
			}
			return nil
		}
		w := len(cols)
		row = func(i int, a []any) []any { return append(a, vals[i*w:(i+1)*w]...) }
	}
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
		b.WriteString(tail)
		if err := t.execOrScan(ctx, b.String(), args, scan); err != nil {
			return fmt.Errorf("store: insert into %s: %w", table, err)
		}
	}
	return nil
}

// rowValues is rows 0 to n-1 of width values each, one after another.
func rowValues(n, width int, row func(i int, dst []any) []any) []any {
	vals := make([]any, 0, n*width)
	for i := range n {
		vals = row(i, vals)
	}
	return vals
}

// execOrScan runs q, passing each row it returns to scan when scan is set.
func (t *Tx) execOrScan(ctx context.Context, q string, args []any, scan func(rowScanner) error) error {
	if scan == nil {
		_, err := t.exec(ctx, q, args...)
		return err
	}
	rows, err := t.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
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
