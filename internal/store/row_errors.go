package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// rowErr wraps the error of reading one row as "store: what: ...", with a
// missing row as ErrNotFound, so that callers compare with errors.Is and
// never see database/sql's own sentinel.
func rowErr(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	return fmt.Errorf("store: %s: %w", what, err)
}
