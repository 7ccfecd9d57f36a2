package clock

import (
	"time"
	_ "time/tzdata" // Asia/Jakarta on every machine, whatever its zone files
)

// wib is loaded once; with time/tzdata embedded the load cannot fail.
var wib = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		panic("clock: " + err.Error())
	}
	return loc
}()

// WIB is Western Indonesia Time (Asia/Jakarta, UTC+7), the zone the ministry
// and SAMAN work in; every page, report and ledger shows times in it beside UTC.
// It is a function so no caller can swap the shared zone.
func WIB() *time.Location { return wib }
