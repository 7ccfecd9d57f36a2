// Package account manages the portal's people: users, argon2id passwords, TOTP
// second factors, one-time set-password links, sessions and sign-in throttling.
package account
