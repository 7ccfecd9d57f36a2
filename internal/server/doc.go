// Package server serves one sigap process over HTTP: the services app.New
// builds, behind the JSON API and the web portal, until a clean shutdown.
package server
