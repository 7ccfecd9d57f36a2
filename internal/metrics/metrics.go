package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds sigap's Prometheus collectors on a registry of its own.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	notices  *prometheus.CounterVec
	subjects prometheus.Counter
}

// New registers the collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sigap_http_requests_total",
			Help: "HTTP requests by route, method and status code."}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "sigap_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}},
			[]string{"route"}),
		notices: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "sigap_notices_received_total",
			Help: "Notices stored, by kind and category."}, []string{"kind", "category"}),
		subjects: prometheus.NewCounter(prometheus.CounterOpts{Name: "sigap_notice_subjects_received_total",
			Help: "Subjects named in stored notices."}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.notices, m.subjects,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry lets other adapters add their collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveRequest counts one answered HTTP request and its latency.
func (m *Metrics) ObserveRequest(route, method string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// NoticeReceived counts one stored notice.
func (m *Metrics) NoticeReceived(kind, category string, subjects int) {
	m.notices.WithLabelValues(kind, category).Inc()
	m.subjects.Add(float64(subjects))
}
