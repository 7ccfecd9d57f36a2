// Package webhooktest is the receiving end of sigap's webhooks for tests: it
// checks each delivery's signature, as a real receiver must, before a test
// counts it.
package webhooktest
