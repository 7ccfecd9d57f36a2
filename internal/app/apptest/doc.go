// Package apptest checks what is built on an app.App: that it refuses an App
// missing a service it needs, naming it, rather than failing on the first
// request that needs it.
package apptest
