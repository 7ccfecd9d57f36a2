package scanstream_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/sigap/sigap/internal/scan/scantest"
	"github.com/sigap/sigap/internal/scanstream"
	"github.com/sigap/sigap/internal/server"
)

// The split benchmark runs the NATS server and the publishing platform in a
// child process (this test binary again, see TestMain), so the worker's CPU
// time and NATS's are measured apart. Both processes share the same cores.
const (
	envChild       = "SIGAP_SCANSTREAM_BENCH_NATS" // the store directory; set in the child
	envChildPosts  = "SIGAP_SCANSTREAM_BENCH_POSTS"
	envChildPerMsg = "SIGAP_SCANSTREAM_BENCH_PER_MSG"
)

// BenchmarkScanPathSplit is BenchmarkScanPath's end-to-end measure with
// NATS and the publisher in another process. It reports cpu-ns/post for the
// worker's process and nats-cpu-ns/post for the other one (NATS server and
// publisher).
//
// The prefilled lines publish every post first and time only the worker
// draining the stream: the worker is then never waiting for the server, as
// when the NATS servers run on machines of their own, and cpu-ns/post is
// what a busy worker spends per post.
//
// Each run starts with the direct line, so every NATS line has a direct
// scan measured minutes before it in the same process to be compared with
// (this host's speed drifts by up to 30% over an hour).
func BenchmarkScanPathSplit(b *testing.B) {
	s := benchSigap(b)
	posts := scantest.Posts(2000)
	b.Run("direct", func(b *testing.B) { benchDirect(b, s, posts) })
	for _, prefilled := range []bool{false, true} {
		for _, perMsg := range []int{1, 25, 100} {
			name := "post"
			if perMsg > 1 {
				name = fmt.Sprintf("batch%d", perMsg)
			}
			if prefilled {
				name = "prefilled/" + name
			}
			b.Run(name+"/file/workers=1", func(b *testing.B) { benchSplit(b, s, perMsg, prefilled) })
		}
	}
}

func benchSplit(b *testing.B, s *server.Server, perMsg int, prefilled bool) {
	ctx := b.Context()
	child := startNATSChild(b, b.N, perMsg)
	nc, err := nats.Connect(child.url)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	if prefilled {
		child.goPublish(b)
		if l := child.line(b); l != "published" {
			b.Fatalf("NATS child said %q, want published", l)
		}
	}
	w := scanstream.New(js, s.Scanner, benchConfig(1), nil)
	wctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	b.SetBytes(1000)
	b.ResetTimer()
	cpu, childCPU := startCPU(), child.cpu(b)
	go func() { done <- w.Run(wctx) }()
	if !prefilled {
		child.goPublish(b)
	}
	waitDrained(ctx, b, js, w, b.N)
	cpu.report(b)
	b.ReportMetric(float64(child.cpu(b)-childCPU)/float64(b.N), "nats-cpu-ns/post")
	b.StopTimer()
	stop()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	nc.Close()
	child.stop(b)
}

type natsChild struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	url   string
}

// startNATSChild starts the child with the posts stream created and n posts
// ready to publish, perMsg to a message.
func startNATSChild(b *testing.B, n, perMsg int) *natsChild {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if cpus := os.Getenv("SIGAP_BENCH_NATS_CPUS"); cpus != "" {
		// Run the NATS side on the given CPUs only (start the benchmark itself
		// under taskset on the others): the worker then keeps its core and its
		// caches, as when NATS runs on machines of its own.
		cmd = exec.Command("taskset", "-c", cpus, os.Args[0], "-test.run=^$")
	}
	cmd.Env = append(os.Environ(), envChild+"="+b.TempDir(), envChildPosts+"="+strconv.Itoa(n), envChildPerMsg+"="+strconv.Itoa(perMsg))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	c := &natsChild{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	c.url = c.line(b)
	return c
}

func (c *natsChild) line(b *testing.B) string {
	l, err := c.out.ReadString('\n')
	if err != nil {
		b.Fatalf("NATS child: %v", err)
	}
	return strings.TrimSpace(l)
}

// goPublish tells the child to publish its posts.
func (c *natsChild) goPublish(b *testing.B) {
	if _, err := io.WriteString(c.stdin, "go\n"); err != nil {
		b.Fatal(err)
	}
}

// cpu is the child's user+system CPU time so far, from /proc (10 ms ticks).
func (c *natsChild) cpu(b *testing.B) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func (c *natsChild) stop(b *testing.B) {
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		b.Fatalf("NATS child: %v", err)
	}
}

// runNATSChild is the child: a NATS server with the posts stream, which
// prints its URL, publishes the posts when told "go", and stops when its
// stdin closes.
func runNATSChild(dir string) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "NATS child:", err)
		return 1
	}
	n, _ := strconv.Atoi(os.Getenv(envChildPosts))
	perMsg, _ := strconv.Atoi(os.Getenv(envChildPerMsg))
	ns, err := natsserver.NewServer(&natsserver.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoLog: true, NoSigs: true})
	if err != nil {
		return fail(err)
	}
	ns.Start()
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	if !ns.ReadyForConnections(10 * time.Second) {
		return fail(fmt.Errorf("nats-server did not start"))
	}
	nc, err := nats.Connect(ns.ClientURL())
	if err != nil {
		return fail(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(1024))
	if err != nil {
		return fail(err)
	}
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, postsStream(jetstream.FileStorage)); err != nil {
		return fail(err)
	}
	if _, err := scanstream.Ensure(ctx, js, scanstream.Config{}); err != nil {
		return fail(err)
	}
	posts := scantest.Posts(2000)
	bodies := make([][]byte, len(posts))
	for i, p := range posts {
		bodies[i], _ = json.Marshal(p)
	}
	msgs := benchMessages(bodies, n, perMsg)
	fmt.Println(ns.ClientURL())
	in := bufio.NewReader(os.Stdin)
	if l, err := in.ReadString('\n'); err != nil || strings.TrimSpace(l) != "go" {
		return fail(fmt.Errorf("expected go, got %q (%v)", l, err))
	}
	if err := publishAll(js, msgs); err != nil {
		return fail(err)
	}
	fmt.Println("published")
	_, _ = io.Copy(io.Discard, in)
	return 0
}
