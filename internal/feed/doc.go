// Package feed shares a bank or list with other servers as a signed,
// append-only feed, and keeps a local copy of another server's feed current
// by polling it, sending the subscriber's verdicts on its entries back.
package feed
