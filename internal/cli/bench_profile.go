package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
)

// benchProfiler writes a CPU profile of each timed loop only: the set-up
// (starting the server, preparing and signing the requests) would otherwise
// fill the profile and hide what a notice costs under load.
type benchProfiler struct {
	path string // "" profiles nothing
}

// fileFor names the profile of one run: path itself for the only run, or
// path with "-NAME" before its extension (cpu.prof → cpu-signed-2.prof), so
// that `go tool pprof -diff_base cpu-unsigned-1.prof cpu-signed-1.prof`
// compares a pair, and `go tool pprof -proto cpu-signed-*.prof` merges rounds.
func (p benchProfiler) fileFor(name string) string {
	if name == "" {
		return p.path
	}
	ext := filepath.Ext(p.path)
	return strings.TrimSuffix(p.path, ext) + "-" + name + ext
}

// run profiles f into the file fileFor(name) names.
func (p benchProfiler) run(name string, f func() error) (err error) {
	if p.path == "" {
		return f()
	}
	file, err := os.Create(p.fileFor(name))
	if err != nil {
		return fmt.Errorf("bench: cpu profile: %w", err)
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("bench: cpu profile: %w", cerr)
		}
	}()
	if err := pprof.StartCPUProfile(file); err != nil {
		return fmt.Errorf("bench: cpu profile: %w", err)
	}
	defer pprof.StopCPUProfile()
	if err := f(); err != nil {
		return err
	}
	return p.writeAllocs(name)
}

// writeAllocs writes the process's allocations so far beside the CPU profile
// (FILE-signed-2.allocs): `go tool pprof -sample_index=alloc_space
// -diff_base FILE-unsigned-2.allocs FILE-signed-2.allocs` is what the signed
// run allocated (the counts are cumulative).
func (p benchProfiler) writeAllocs(name string) (err error) {
	file, err := os.Create(strings.TrimSuffix(p.fileFor(name), filepath.Ext(p.path)) + ".allocs")
	if err != nil {
		return fmt.Errorf("bench: allocation profile: %w", err)
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("bench: allocation profile: %w", cerr)
		}
	}()
	return pprof.Lookup("allocs").WriteTo(file, 0)
}
