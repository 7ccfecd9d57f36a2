// Package client is a small Go client for sigap's JSON API, used by the
// command line and by the end-to-end tests.
package client
