// Package storetest runs a test against every database engine sigap supports:
// SQLite always, PostgreSQL when a server is given or local binaries exist.
package storetest
