package httpapi

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/sigap/sigap/internal/receipt"
)

//go:embed openapi.json
var openapiDoc []byte

func (a *API) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapiDoc)
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		problem(w, http.StatusServiceUnavailable, "unhealthy", "The database does not answer", "sigap cannot reach its database")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (a *API) publicKeys(w http.ResponseWriter, r *http.Request) {
	// Every key of the ring, retired ones too: a receipt names its key, and
	// one signed before a rotation must go on verifying.
	writeJSON(w, http.StatusOK, map[string][]receipt.PublicKey{"keys": a.Signer.Keys()})
}
