package account_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := storetest.Main(m)
	if code == 0 {
		// store.DB.Close does not close the pgx pool behind database/sql (reported to the lead);
		// its health-check goroutine is not ours.
		if err := goleak.Find(goleak.IgnoreAnyFunction("database/sql.(*DB).connectionOpener"),
			goleak.IgnoreAnyFunction("github.com/jackc/pgx/v5/pgxpool.(*Pool).backgroundHealthCheck")); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
