// Package webhook sends signed webhooks following the Standard Webhooks
// specification: an outbox of deliveries in the database, each sent by a
// durable job that retries with backoff and reuses the delivery's webhook-id,
// through an HTTP client that refuses private destinations at dial time.
package webhook
