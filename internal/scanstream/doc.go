// Package scanstream feeds the posts a platform publishes on a NATS JetStream
// stream to the scanner, and acknowledges each post only after its hits are
// stored; malformed posts go to a dead-letter subject and never block the stream.
package scanstream
