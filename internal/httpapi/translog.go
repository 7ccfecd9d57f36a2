package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/translog"
)

// The transparency log's routes are public, like GET /v1/keys: the log holds
// only salted commitments, so anyone may fetch and check it.

func (a *API) logCheckpoint(w http.ResponseWriter, r *http.Request) {
	s := a.TransLog.Latest()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(s.Note)
}

// logSign hashes what was appended and signs a checkpoint now instead of at
// the next tick, for a caller that needs its event covered at once.
func (a *API) logSign(w http.ResponseWriter, r *http.Request) {
	s, err := a.TransLog.Sync(r.Context())
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(s.Note)
}

func (a *API) logKey(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write([]byte(a.TransLog.Key().VerifierKey + "\n"))
}

// logKeys lists every key of the log's ring with its validity: a
// checkpoint signed by any of them verifies, and during a rotation the
// announced key co-signs beside the one GET /v1/log/key names.
func (a *API) logKeys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]translog.KeyInfo{"keys": a.TransLog.Keys()})
}

// logTile serves tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>] (C2SP tlog-tiles).
func (a *API) logTile(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/v1/log/")
	t, err := translog.ParseTilePath(p)
	if err != nil {
		problem(w, http.StatusBadRequest, "bad_tile_path", "Malformed tile path", err.Error())
		return
	}
	b, err := a.TransLog.Tile(r.Context(), t)
	if errors.Is(err, translog.ErrRange) {
		problem(w, http.StatusNotFound, "tile_not_found", "No such tile yet", err.Error())
		return
	}
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if t.W == 0 {
		// A full tile never changes.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	_, _ = w.Write(b)
}

// logInt reads an optional non-negative integer query parameter.
func logInt(r *http.Request, name string, required bool, bad *[]notice.FieldError) int64 {
	s := r.URL.Query().Get(name)
	if s == "" {
		if required {
			*bad = append(*bad, notice.FieldError{Field: name, Code: "required", Message: name + " is required"})
		}
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		*bad = append(*bad, notice.FieldError{Field: name, Code: "invalid", Message: name + " must be a non-negative integer"})
	}
	return n
}

// rangeError names the field a translog.ErrRange is about.
func rangeError(field string, err error) error {
	if errors.Is(err, translog.ErrRange) {
		return invalid(field, "out_of_range", err.Error())
	}
	return err
}

// logProof answers a proof from its two parameters, first required and
// second optional (0); a bad one is a validation problem naming it, and a
// proof out of the tree's range names the parameter blame picks.
func logProof[P any](r *http.Request, first, second string, prove func(ctx context.Context, x, y int64) (P, error), blame func(err error, y int64) string) (P, error) {
	var bad []notice.FieldError
	x := logInt(r, first, true, &bad)
	y := logInt(r, second, false, &bad)
	if len(bad) > 0 {
		var none P
		return none, &notice.ValidationError{Fields: bad}
	}
	p, err := prove(r.Context(), x, y)
	if err != nil {
		return p, rangeError(blame(err, y), err)
	}
	return p, nil
}

func (a *API) logInclusion(r *http.Request, _ org.Caller, _ noBody) (translog.InclusionProof, error) {
	return logProof(r, "index", "size", a.TransLog.Inclusion, func(err error, _ int64) string {
		if strings.Contains(err.Error(), "size") && !strings.Contains(err.Error(), "index") {
			return "size"
		}
		return "index"
	})
}

func (a *API) logConsistency(r *http.Request, _ org.Caller, _ noBody) (translog.ConsistencyProof, error) {
	return logProof(r, "old", "new", a.TransLog.Consistency, func(err error, newSize int64) string {
		if strings.Contains(err.Error(), "size "+strconv.FormatInt(newSize, 10)+":") && newSize != 0 {
			return "new"
		}
		return "old"
	})
}

// withLogIndex fills in the log index of a notice read back from the
// database (an insert sets it; a read does not carry it).
func (a *API) withLogIndex(r *http.Request, n *notice.Notice) {
	if n.LogIndex != nil {
		return
	}
	if idx, err := a.DB.NoticeLogIndex(r.Context(), n.ID); err == nil {
		n.LogIndex = &idx
	}
}
