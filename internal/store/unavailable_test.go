package store_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sigap/sigap/internal/store"
)

func TestUnavailable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", store.ErrNotFound, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, false},
		{"server starting up", fmt.Errorf("store: key: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"bad connection", fmt.Errorf("store: release savepoint: %w", driver.ErrBadConn), true},
		{"connection discarded mid-transaction", fmt.Errorf("store: commit: store: pipeline: %w", sql.ErrConnDone), true},
		{"cut mid-answer", fmt.Errorf("store: key: %w", io.ErrUnexpectedEOF), true},
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"plain error", errors.New("store: something else"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := store.Unavailable(tt.err); got != tt.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
