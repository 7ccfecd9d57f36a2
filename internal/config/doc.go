// Package config reads the server's settings once, from flags and their
// SIGAP_* environment variables, into one struct that is passed down.
package config
