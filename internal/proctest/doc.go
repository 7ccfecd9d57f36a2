// Package proctest builds the sigap binary and talks to a sigap under test
// the way a client does: a free loopback address for a process to take,
// a wait for a condition, and JSON calls to the API. It is imported only by
// tests.
package proctest
