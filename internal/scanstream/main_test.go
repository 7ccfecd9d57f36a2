package scanstream_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/sigap/sigap/internal/store/storetest"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envChild); dir != "" {
		os.Exit(runNATSChild(dir)) // the other process of BenchmarkScanPathSplit
	}
	code := storetest.Main(m)
	if code == 0 {
		if err := goleak.Find(goleak.IgnoreAnyFunction("database/sql.(*DB).connectionOpener"),
			goleak.IgnoreTopFunction("internal/poll.runtime_pollWait")); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
