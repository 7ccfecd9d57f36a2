// Package httpsig signs and verifies HTTP requests with RFC 9421 HTTP Message
// Signatures (Ed25519) over an RFC 9530 Content-Digest of the body, so that an
// authority's request can be proven to come from its own key, and parses the
// RFC 8941 structured fields those headers are written in.
package httpsig
