// Package scanstream feeds the posts a platform publishes on a NATS JetStream
// stream to the scanner, and acknowledges each message only after the hits of
// its posts are stored; malformed posts go to a dead-letter subject and never
// block the stream.
//
// A message holds one post as JSON (the body of POST /v1/scan), or, with the
// header "Content-Type: application/x-ndjson", many posts, one JSON object a
// line (the body of POST /v1/scan/batch). Every message costs the NATS server
// a stored write, a delivery and an acknowledgement (with file storage about
// as much CPU as scanning the post, see docs/benchmarks/scanstream.md), so a
// platform publishing many posts a second should batch them. A bad line of a
// batch is dead-lettered on its own (headers Sigap-Error, Sigap-Subject and
// Sigap-Line); a transient failure retries the whole batch, which is safe
// because a post scanned again stores no second hit and files no second
// notice.
package scanstream
