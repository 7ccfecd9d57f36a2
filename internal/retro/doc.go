// Package retro scans again, for entries that just arrived in a bank or
// list, the posts made in the window before they existed (default seven
// days), so that a hash or rule shared today finds yesterday's copies. The
// posts come from the NATS JetStream posts stream, which keeps them when
// the scan worker runs with a retention (scanstream.Config.Retain); hits
// flow into the same records, notices and actions as live hits, marked
// retroactive. Jobs live in the database, so one survives a restart.
package retro
