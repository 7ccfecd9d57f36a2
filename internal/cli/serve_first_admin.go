package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sigap/sigap/internal/store"
)

// firstAdminPending tells whether the administrator made on first start
// still has no password: its one-time link was printed once, at that start,
// and may be lost or expired by now.
func firstAdminPending(ctx context.Context, db *store.DB) (bool, error) {
	u, err := db.UserByEmail(ctx, firstAdminEmail)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.PasswordHash == "" && !u.Disabled, nil
}

// printResetHint says, in both languages, how to print the first
// administrator's link again, with serve's data directory (and a database
// URL, when one was given) so the command reaches the same service.
func printResetHint(w io.Writer, dataDir, dbURL string) {
	cmd := "sigap user reset --email " + firstAdminEmail + " --data " + dataDir
	if dbURL != "" {
		// Not the URL itself: it may hold the database's password.
		cmd += " --db <the --db of serve / --db yang sama dengan serve>"
	}
	fmt.Fprintf(w, "The first administrator (%s) has no password yet / Administrator pertama (%s) belum punya kata sandi.\n"+
		"  Print a new one-time link with / Cetak tautan sekali pakai yang baru dengan:\n    %s\n\n", firstAdminEmail, firstAdminEmail, cmd)
}
