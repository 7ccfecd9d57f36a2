package storetest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Local is a throwaway PostgreSQL cluster run from the local binaries, as
// the postgres user when running as root (PostgreSQL refuses to run as root).
type Local struct {
	URL            string // the postgres database, as the postgres user
	bin, dir, data string
	port           int
	opts           string
	asUser         func(name string, args ...string) *exec.Cmd
}

// startLocal starts a Local cluster.
func startLocal() (*Local, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "sigap-pg-")
	if err != nil {
		return nil, err
	}
	l := &Local{bin: bin, dir: dir, data: filepath.Join(dir, "data"),
		asUser: func(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and there is no postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		l.asUser = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
		}
	}
	if out, err := l.asUser(filepath.Join(bin, "initdb"), "-D", l.data, "-U", "postgres", "-A", "trust", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	if l.port, err = freePort(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// fsync=off: these clusters die with the test; a crash of the server
	// process (Restart) still keeps everything the OS was handed.
	l.opts = fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", l.port, dir)
	if err := l.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	l.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", l.port)
	return l, nil
}

func (l *Local) pgctl(args ...string) ([]byte, error) {
	args = append([]string{"-D", l.data, "-w", "-t", "60"}, args...)
	return l.asUser(filepath.Join(l.bin, "pg_ctl"), args...).CombinedOutput()
}

func (l *Local) waitListening(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", l.port)); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("local PostgreSQL did not start on port %d", l.port)
}

// Crash kills the server the way a power cut would kill the process (pg_ctl
// stop -m immediate: no checkpoint, every connection cut at once).
func (l *Local) Crash() error {
	if out, err := l.pgctl("-m", "immediate", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return nil
}

// Start starts the server again after Crash; it recovers from its WAL.
func (l *Local) Start() error {
	if out, err := l.pgctl("-o", l.opts, "-l", filepath.Join(l.dir, "log"), "start"); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	return l.waitListening(30 * time.Second)
}

// Stop stops the server and removes its files.
func (l *Local) Stop() {
	_, _ = l.pgctl("-m", "immediate", "stop")
	os.RemoveAll(l.dir)
}

// StartLocal starts a PostgreSQL cluster of the test's own, for tests that
// stop and start the server itself; it is stopped when the test ends. A
// machine without PostgreSQL's binaries skips the test, or fails it when
// SIGAP_REQUIRE_POSTGRES is set.
func StartLocal(t *testing.T) *Local {
	t.Helper()
	l, err := startLocal()
	if err != nil {
		if os.Getenv(EnvRequire) != "" {
			t.Fatalf("a PostgreSQL of the test's own: %v", err)
		}
		t.Skipf("a PostgreSQL of the test's own: %v", err)
	}
	t.Cleanup(l.Stop)
	return l
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
