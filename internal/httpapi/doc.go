// Package httpapi serves sigap's JSON API (the contract in CONTRACT.md): one
// flat route table, bearer-key auth, RFC 9457 problems and Prometheus metrics.
package httpapi
