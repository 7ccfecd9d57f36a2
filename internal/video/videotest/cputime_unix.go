//go:build unix

package videotest

import (
	"syscall"
	"time"
)

// CPUTime is the user+system CPU time of this process and, with children,
// of its finished child processes (ffmpeg), so benchmarks on a shared
// machine can report cost per CPU-second beside wall time.
func CPUTime(children bool) time.Duration {
	total := time.Duration(0)
	who := []int{syscall.RUSAGE_SELF}
	if children {
		who = append(who, syscall.RUSAGE_CHILDREN)
	}
	for _, w := range who {
		var ru syscall.Rusage
		if err := syscall.Getrusage(w, &ru); err != nil {
			return 0
		}
		total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return total
}
