package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func (a *API) scanPost(r *http.Request, _ org.Caller, p scan.Post) (scan.Result, error) {
	return a.Scanner.Scan(r.Context(), p)
}

// batchLine is one answer line of POST /v1/scan/batch.
type batchLine struct {
	Line int `json:"line"`
	*scan.Result
	Error *Problem `json:"error,omitempty"`
}

// scanBatch scans NDJSON posts, one per line, answering one NDJSON line per
// post in order, each with the post's line number in the body. A bad line
// gets an error line (the problem document a single scan would have had) and
// never stops the others.
//
// The whole body is read before the first answer line is written: Go's
// HTTP/1.1 server stops reading a request body once the response has begun
// (the answers came back for the first 4 KB of a batch only), and answering
// while the client is still sending can deadlock a client that reads only
// after sending. The body is at most MaxBody bytes.
func (a *API) scanBatch(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-ndjson" && mt != "application/jsonl" {
		problem(w, http.StatusUnsupportedMediaType, "unsupported_media_type", "Send NDJSON",
			"the batch form takes Content-Type: application/x-ndjson, one JSON post per line")
		return
	}
	body, err := readBody(r)
	if err != nil {
		a.errorResponse(w, r, err) // too large: nothing was scanned
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	enc := json.NewEncoder(w)
	flusher, _ := w.(http.Flusher)
	n := 0
	for line := range bytes.Lines(body) {
		n++
		line = bytes.TrimSuffix(line, []byte("\n"))
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		out := batchLine{Line: n}
		res, perr := a.scanLine(r, line)
		if perr != nil {
			out.Error = perr
		} else {
			out.Result = &res
		}
		if err := enc.Encode(out); err != nil {
			return // the client went away
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
}

func (a *API) scanLine(r *http.Request, line []byte) (scan.Result, *Problem) {
	bad := func(field, code, msg string) *Problem {
		return &Problem{Type: "https://sigap.dev/problems/validation", Title: "The line has invalid fields", Status: http.StatusUnprocessableEntity,
			Detail: msg, Code: "validation", Errors: []notice.FieldError{{Field: field, Code: code, Message: msg}}}
	}
	if !utf8.Valid(line) {
		return scan.Result{}, bad("", "invalid_utf8", "the line is not valid UTF-8")
	}
	var ve *notice.ValidationError
	if err := checkJSON(line); errors.As(err, &ve) {
		return scan.Result{}, bad(ve.Fields[0].Field, ve.Fields[0].Code, ve.Fields[0].Message)
	}
	var p scan.Post
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return scan.Result{}, bad("", "malformed_json", "the line is not a JSON post: "+err.Error())
	}
	res, err := a.Scanner.Scan(r.Context(), p)
	if err == nil {
		return res, nil
	}
	rec := &problemRecorder{header: http.Header{}}
	a.errorResponse(rec, r, err)
	var pr Problem
	if json.Unmarshal(rec.body.Bytes(), &pr) != nil || pr.Status == 0 {
		pr = Problem{Type: "https://sigap.dev/problems/internal", Title: "Internal error", Status: 500, Detail: fmt.Sprint("scan failed"), Code: "internal"}
	}
	if errors.Is(err, store.ErrClosed) {
		pr.Detail = "the service is shutting down; retry this line"
	}
	return scan.Result{}, &pr
}

// problemRecorder captures a problem document written by the shared error mapping.
type problemRecorder struct {
	header http.Header
	body   bytes.Buffer
	status int
}

func (p *problemRecorder) Header() http.Header         { return p.header }
func (p *problemRecorder) Write(b []byte) (int, error) { return p.body.Write(b) }
func (p *problemRecorder) WriteHeader(s int)           { p.status = s }

func (a *API) scanStats(_ *http.Request, _ org.Caller, _ noBody) (scan.Stats, error) {
	return a.Scanner.Stats(), nil
}

// recentHits lists recorded hits, newest first (?list= a bank or list ID).
func (a *API) recentHits(r *http.Request, _ org.Caller, _ noBody) (list[hitView], error) {
	setID := r.URL.Query().Get("list")
	return pagedList(r, func(cursor string, limit int) ([]store.ScanHit, error) {
		return a.DB.RecentHits(r.Context(), setID, cursor, limit)
	}, func(h store.ScanHit) hitView {
		return hitView{ID: h.ID, At: h.At.Format("2006-01-02T15:04:05Z"), Post: h.Post, Matcher: h.Matcher, List: h.SetID, Entry: h.EntryID,
			Distance: h.Distance, Matched: h.Detail, Policy: h.Policy, Outcome: h.Outcome, NoticeID: h.NoticeID, ActionID: h.ActionID}
	}, func(h hitView) string { return h.ID })
}

// hitView is a recorded hit as GET /v1/scan/hits shows it.
type hitView struct {
	ID       string `json:"id"`
	At       string `json:"at"`
	Post     string `json:"post"`
	Matcher  string `json:"matcher"`
	List     string `json:"list"`
	Entry    string `json:"entry"`
	Distance int    `json:"distance"`
	Matched  string `json:"matched,omitempty"`
	Policy   string `json:"policy"`
	Outcome  string `json:"outcome"`
	NoticeID string `json:"notice_id,omitempty"`
	ActionID string `json:"action_id,omitempty"`
}
