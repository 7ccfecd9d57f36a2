// Package httpapi serves sigap's JSON API (the contract in CONTRACT.md): one
// flat route table that says who may call each route, enforced by bearer-key
// auth; one table from domain errors to RFC 9457 problems; and Prometheus
// metrics.
package httpapi
