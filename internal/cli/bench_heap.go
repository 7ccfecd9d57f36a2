package cli

import "runtime/metrics"

// heapAllocs counts what the process has allocated on the heap so far.
type heapAllocs struct{ bytes, objects uint64 }

// readHeapAllocs reads the runtime's cumulative allocation counters, which
// (unlike runtime.ReadMemStats) stops no goroutine.
func readHeapAllocs() heapAllocs {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/heap/allocs:objects"}}
	metrics.Read(s)
	return heapAllocs{bytes: s[0].Value.Uint64(), objects: s[1].Value.Uint64()}
}

// since is what was allocated between h0 and h.
func (h heapAllocs) since(h0 heapAllocs) heapAllocs {
	return heapAllocs{bytes: h.bytes - h0.bytes, objects: h.objects - h0.objects}
}
