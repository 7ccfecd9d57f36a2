// Package admin creates organisations and their API keys, and sets up a fresh
// installation with the platform's own org and a first admin key.
package admin
