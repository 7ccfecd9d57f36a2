package document

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
)

// Serve answers u's bytes as a download: never shown inline, never sniffed,
// sandboxed if a browser opens it anyway, with its SHA-256 as Repr-Digest
// (RFC 9530) so the reader can check it against the receipt.
func Serve(w http.ResponseWriter, u Upload) {
	sum, _ := hex.DecodeString(u.SHA256)
	h := w.Header()
	h.Set("Content-Type", u.ContentType)
	h.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(u.Name))
	h.Set("Content-Length", strconv.Itoa(len(u.Data)))
	h.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(sum)+":")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(u.Data)
}
