// Package receipt signs and verifies notice receipts: Ed25519 signatures over
// RFC 8785 canonical JSON, checkable offline by anyone holding the public key.
package receipt
