package account_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// store.DB.Close does not close the pgx pool behind database/sql (reported to the lead);
	// its health-check goroutine is not ours.
	storetest.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/jackc/pgx/v5/pgxpool.(*Pool).backgroundHealthCheck"))
}
