// Package aesgcm seals the small secrets sigap keeps at rest (the keys a
// database shares between replicas, an SSO client secret) with AES-256-GCM,
// each bound to what it is.
package aesgcm
