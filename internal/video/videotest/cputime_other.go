//go:build !unix

package videotest

import "time"

// CPUTime is zero where getrusage is not to be had.
func CPUTime(bool) time.Duration { return 0 }
