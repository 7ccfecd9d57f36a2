// Package metrics holds sigap's Prometheus collectors: the HTTP adapters
// count requests on them and the intake service counts the notices it stores.
package metrics
