// Package app builds the services of one sigap process once and hands them to
// every adapter (the JSON API, the web portal, the scan worker, the CLI).
package app
