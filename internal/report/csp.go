package report

import (
	"crypto/sha256"
	"encoding/base64"
)

// StyleSource is the Content-Security-Policy source that allows the page's
// inline style sheet and nothing else, for a site whose policy forbids
// inline styles (the portal serves the page under it).
func StyleSource() string {
	sum := sha256.Sum256([]byte(css))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}
