package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/org"
)

var queueRowRe = regexp.MustCompile(`<tr><th scope="row">perintah</th>((?:<td[^>]*>\d+</td>)+)</tr>`)
var cellRe = regexp.MustCompile(`>(\d+)<`)

// TestDashboardCharts: the platform's dashboard draws the queue by lane and
// time left and the scan's hits per hour, each with its figures as text;
// an authority's draws its own notices only and never the platform's queue.
func TestDashboardCharts(t *testing.T) {
	t.Parallel()
	eachEnv(t, func(t *testing.T, e *env) {
		s := seedPortal(t, e)
		body := s.as["admin"].get("/dashboard").body
		mustContain(t, body, `id="chart-status"`, `id="chart-ontime"`, `id="chart-breaches"`, `id="chart-queue"`, `id="chart-hits"`,
			`<svg role="img"`, "<title>Antrean menurut jalur dan sisa waktu</title>", "1 kecocokan dalam 24 jam terakhir")
		m := queueRowRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no orders row in the queue table")
		}
		total := 0
		for _, c := range cellRe.FindAllStringSubmatch(m[1], -1) {
			n, _ := strconv.Atoi(c[1])
			total += n
		}
		// Two links of the open order wait; the decided one does not.
		if total != 2 {
			t.Errorf("orders in the queue: %d, want 2 (%s)", total, m[1])
		}
		auth := s.as["authority"].get("/dashboard").body
		mustContain(t, auth, `id="chart-ontime"`, `id="chart-status"`)
		for _, leak := range []string{`id="chart-queue"`, `id="chart-hits"`} {
			if strings.Contains(auth, leak) {
				t.Errorf("an authority's dashboard shows %s", leak)
			}
		}
	})
}

// BenchmarkDashboardPlatform draws the platform's dashboard, charts and
// all, over 10,000 open cases on SQLite: the figure in docs/benchmarks.md.
func BenchmarkDashboardPlatform(b *testing.B) {
	e := sqliteEnv(b)
	postNotice(b, e, 10_000)
	c := signedIn(b, e, e.platform, "dewi@platform.example", org.RoleAdmin)
	var size int
	for b.Loop() {
		r := c.get("/dashboard")
		if r.status != http.StatusOK {
			b.Fatalf("dashboard: %d", r.status)
		}
		size = len(r.body)
	}
	b.ReportMetric(float64(size), "bytes/page")
}
