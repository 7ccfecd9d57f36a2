package filterset_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// store.DB.Close leaves the pgx pool's health check running; not ours.
	storetest.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/jackc/pgx/v5/pgxpool.(*Pool).backgroundHealthCheck"))
}
