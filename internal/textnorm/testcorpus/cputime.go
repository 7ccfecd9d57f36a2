package testcorpus

import (
	"runtime"
	"syscall"
	"time"
)

// rusageThread is RUSAGE_THREAD on Linux.
const rusageThread = 1

// StartCPU locks the goroutine to its thread and returns a function giving the
// CPU time that thread has used since. The benchmarks report throughput per
// CPU second besides the wall-clock figure because the build machine is
// shared: wall time there includes time spent waiting for a core.
func StartCPU() (stop func() time.Duration) {
	runtime.LockOSThread()
	t0 := threadCPU()
	return func() time.Duration {
		d := threadCPU() - t0
		runtime.UnlockOSThread()
		return d
	}
}

// ProcessCPU is the user plus system CPU time of the whole process so far,
// every thread and the garbage collector included, for benchmarks whose
// work runs on goroutines of their own (a server, a worker pool).
func ProcessCPU() time.Duration { return rusage(syscall.RUSAGE_SELF) }

func threadCPU() time.Duration { return rusage(rusageThread) }

// rusage is the user plus system CPU time getrusage reports for who; zero if
// it cannot be read.
func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
