// Package cli is the sigap command line: the server, the client commands for
// people who script against the Government Channel, and the offline tools.
package cli
