//go:build !unix

package vpdq

import "time"

func cpuTime(bool) time.Duration { return 0 }
