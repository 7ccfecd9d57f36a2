package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// TestForeignKeysHold checks the references of a notice's rows that
// PostgreSQL checks once per statement (migration 00271) rather than by
// foreign-key constraints: a row naming a missing notice, case or org is
// refused, and so is deleting (or re-keying) a row that others name, on both
// engines; the rows that were there stay.
func TestForeignKeysHold(t *testing.T) {
	t.Parallel()
	storetest.EachDB(t, func(ctx context.Context, t *testing.T, db *store.DB) {
		a := mkOrg(t, db, org.KindAuthority)
		n := mkNotice(a, notice.KindOrder, t0, time.Hour, "fk1")
		if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, n) }); err != nil {
			t.Fatal(err)
		}
		stored, err := db.Notice(ctx, n.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		caseID := stored.Subjects[0].CaseID
		if err := store.ExecInWrite(ctx, db, `INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at) VALUES (?, 'deadline', 0, 0, 1)`, n.ID); err != nil {
			t.Fatalf("a timer of the notice: %v", err)
		}
		for _, c := range []struct{ name, q string }{
			{"timer of a missing notice", `INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at) VALUES ('ntc_missing', 'deadline', 0, 0, 1)`},
			{"subject of a missing notice", `INSERT INTO notice_subjects (notice_id, position, url, subject, case_id, new_case) VALUES ('ntc_missing', 0, 'u', 's', '` + caseID + `', 0 = 1)`},
			{"subject of a missing case", `INSERT INTO notice_subjects (notice_id, position, url, subject, case_id, new_case) VALUES ('` + n.ID + `', 9, 'u', 's', 'case_missing', 0 = 1)`},
			{"subject moved to a missing case", `UPDATE notice_subjects SET case_id = 'case_missing' WHERE notice_id = '` + n.ID + `'`},
			{"timer moved to a missing notice", `UPDATE escalation_timers SET notice_id = 'ntc_missing' WHERE notice_id = '` + n.ID + `'`},
			{"notice of a missing org", `UPDATE notices SET org_id = 'org_missing' WHERE id = '` + n.ID + `'`},
			{"notice named by its subjects and timer deleted", `DELETE FROM notices WHERE id = '` + n.ID + `'`},
			{"notice named by its subjects re-keyed", `UPDATE notices SET id = 'ntc_other' WHERE id = '` + n.ID + `'`},
			{"case named by a subject deleted", `DELETE FROM cases WHERE id = '` + caseID + `'`},
			{"org named by a notice deleted", `DELETE FROM orgs WHERE id = '` + a.ID + `'`},
		} {
			err := store.ExecInWrite(ctx, db, c.q)
			if !isForeignKeyViolation(err) {
				t.Errorf("%s: got %v, want a foreign key violation", c.name, err)
			}
		}
		again, err := db.Notice(ctx, n.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Subjects) != 1 || again.Subjects[0].CaseID != caseID {
			t.Errorf("the notice's subjects changed: %+v", again.Subjects)
		}
	})
}

func isForeignKeyViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23503"
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}
