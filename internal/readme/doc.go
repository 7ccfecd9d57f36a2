// Package readme holds the test that runs the README's curl walk-through, as
// written, against a freshly started sigap serve, so the first ten minutes of a
// new user stay true.
package readme
