// Package keyring keeps a signer's keys across rotations: the key that signs
// now, the one announced to follow it, and the retired keys that still verify
// what they signed, behind a small Store interface so the ring can live in
// the data dir today and elsewhere (the database) later.
package keyring
