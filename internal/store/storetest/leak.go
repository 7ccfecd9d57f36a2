package storetest

import (
	"os"

	"go.uber.org/goleak"
)

// VerifyTestMain runs the package's tests like Main and exits, failing the run
// when a goroutine outlives a passing suite. database/sql's connection opener
// is always let go: it belongs to pools the tests closed, not to sigap; a
// package whose tests leave other goroutines that are not its own names them
// in ignore.
func VerifyTestMain(m interface{ Run() int }, ignore ...goleak.Option) {
	code := Main(m)
	if code == 0 {
		opts := append([]goleak.Option{goleak.IgnoreAnyFunction("database/sql.(*DB).connectionOpener")}, ignore...)
		if err := goleak.Find(opts...); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
