package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/store"
)

// platformOnly refuses callers outside the platform: banks, lists and scans
// are the platform's own, so an authority's or flagger's key gets a 403 even
// with a role (admin, auditor) that the route admits.
func platformOnly(w http.ResponseWriter, r *http.Request) bool {
	if !callerFrom(r.Context()).Platform() {
		problem(w, http.StatusForbidden, "forbidden_tenant", "Not allowed for this organisation",
			"hash banks, rule lists and scanning belong to the platform; only the platform's keys may use them")
		return false
	}
	return true
}

// filterError maps the filtering domain's errors, then the API's common ones.
func (a *API) filterError(w http.ResponseWriter, r *http.Request, err error) {
	var ie *scan.ImageError
	switch {
	case errors.Is(err, store.ErrConflict):
		problem(w, http.StatusConflict, "conflict", "Already exists", strings.TrimPrefix(err.Error(), "store: "))
	case errors.Is(err, scan.ErrTextTooLarge):
		problem(w, http.StatusRequestEntityTooLarge, "text_too_large", "The post's text is too large", err.Error())
	case errors.As(err, &ie):
		imageProblem(w, fmt.Sprintf("media[%d].data", ie.Index), ie.Err)
	case errors.Is(err, bank.ErrFormat), errors.Is(err, rulelist.ErrRule):
		writeProblem(w, Problem{Type: "https://sigap.dev/problems/validation", Title: "The request has invalid fields", Status: http.StatusUnprocessableEntity,
			Detail: err.Error(), Code: "validation", Errors: []notice.FieldError{{Field: "body", Code: "invalid", Message: err.Error()}}})
	default:
		a.errorResponse(w, r, err)
	}
}

func imageProblem(w http.ResponseWriter, field string, err error) {
	code := "bad_image"
	if errors.Is(err, pdq.ErrTooLarge) || errors.Is(err, pdq.ErrTooManyPixels) {
		code = "image_too_large"
	}
	writeProblem(w, Problem{Type: "https://sigap.dev/problems/validation", Title: "The request has invalid fields", Status: http.StatusUnprocessableEntity,
		Detail: err.Error(), Code: "validation", Errors: []notice.FieldError{{Field: field, Code: code, Message: err.Error()}}})
}

func (a *API) createBank(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in bank.CreateInput
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	b, err := a.Banks.Create(r.Context(), callerFrom(r.Context()), in)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, b)
}

func (a *API) listBanks(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	limit, cursor, err := page(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	items, next, err := a.Banks.List(r.Context(), cursor, limit)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (a *API) getBank(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	b, err := a.Banks.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (a *API) patchBank(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in bank.PatchInput
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	b, err := a.Banks.Patch(r.Context(), r.PathValue("id"), in)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (a *API) addBankEntry(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in bank.Item
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	e, err := a.Banks.AddEntry(r.Context(), callerFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

// importFormat picks the format from ?format= or the Content-Type.
func importFormat(r *http.Request) string {
	if f := r.URL.Query().Get("format"); f != "" {
		return f
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "text/csv":
		return bank.FormatCSV
	case "application/json":
		return "" // either JSON shape; Parse tells them apart
	}
	return ""
}

func (a *API) importBank(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	items, err := bank.Parse(r.Body, importFormat(r))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	res, err := a.Banks.Import(r.Context(), callerFrom(r.Context()), r.PathValue("id"), items)
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (a *API) exportBank(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = bank.FormatCSV
	}
	b, err := a.Banks.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	ct := map[string]string{bank.FormatCSV: "text/csv; charset=utf-8", bank.FormatJSON: "application/json", bank.FormatThreatExchange: "application/json"}[format]
	if ct == "" {
		writeProblem(w, Problem{Type: "https://sigap.dev/problems/validation", Title: "The request has invalid fields", Status: http.StatusUnprocessableEntity,
			Detail: "format must be csv, json or threatexchange", Code: "validation",
			Errors: []notice.FieldError{{Field: "format", Code: "unknown_value", Message: "format must be csv, json or threatexchange"}}})
		return
	}
	w.Header().Set("Content-Type", ct)
	ext := "json"
	if format == bank.FormatCSV {
		ext = "csv"
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", b.ID+"."+ext))
	ew, _ := bank.NewWriter(w, format)
	cursor := ""
	for {
		items, next, err := a.Banks.Entries(r.Context(), b.ID, cursor, 500, false)
		if err != nil {
			a.Log.ErrorContext(r.Context(), "export failed midway", "bank", b.ID, "err", err)
			return // the truncated body without a closing bracket is visibly broken
		}
		for _, e := range items {
			if err := ew.Write(e); err != nil {
				return
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	_ = ew.Close()
}

// readImage reads an uploaded image: the first file part of a multipart
// form, or the raw body.
func readImage(r *http.Request) ([]byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return readBody(r)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_multipart", Message: "the multipart body cannot be read: " + err.Error()}}}
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &notice.ValidationError{Fields: []notice.FieldError{{Field: "file", Code: "required", Message: "the form has no file part"}}}
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, err
			}
			return nil, &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_multipart", Message: "the multipart body cannot be read: " + err.Error()}}}
		}
		if p.FileName() == "" && p.FormName() != "file" && p.FormName() != "image" {
			continue
		}
		return io.ReadAll(p)
	}
}

func (a *API) hashImage(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	data, err := readImage(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	info, err := scan.HashImage(data, a.Scanner.Config().Image)
	if err != nil {
		imageProblem(w, "file", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pdq": info.PDQ, "quality": info.Quality, "md5": info.MD5, "sha256": info.SHA256,
		"matchable": *info.Quality >= a.Scanner.Config().MinQuality})
}

func (a *API) matchHashes(w http.ResponseWriter, r *http.Request) {
	if !platformOnly(w, r) {
		return
	}
	var in struct {
		PDQ         string `json:"pdq"`
		Quality     *int   `json:"quality"`
		MD5         string `json:"md5"`
		SHA256      string `json:"sha256"`
		Image       []byte `json:"image"`
		MaxDistance int    `json:"max_distance"`
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" || strings.HasPrefix(mt, "image/") || mt == "application/octet-stream" {
		data, err := readImage(r)
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		in.Image = data
	} else if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	var v bank.Validator
	q := scan.MatchQuery{PDQ: in.PDQ, Quality: in.Quality, MD5: in.MD5, SHA256: in.SHA256, MaxDistance: in.MaxDistance}
	var info *scan.MediaInfo
	if len(in.Image) > 0 {
		hi, err := scan.HashImage(in.Image, a.Scanner.Config().Image)
		if err != nil {
			imageProblem(w, "image", err)
			return
		}
		info = &hi
		q.PDQ, q.Quality, q.MD5, q.SHA256 = hi.PDQ, hi.Quality, hi.MD5, hi.SHA256
	}
	if q.PDQ == "" && q.MD5 == "" && q.SHA256 == "" {
		v.Add("pdq", "required", "send one of pdq, md5, sha256 or image (base64), or an image as the body")
	}
	for _, c := range []struct {
		field, val string
		typ        string
	}{{"pdq", in.PDQ, bank.TypePDQ}, {"md5", in.MD5, bank.TypeMD5}, {"sha256", in.SHA256, bank.TypeSHA256}} {
		if c.val != "" {
			if _, err := bank.NormalizeValue(c.typ, c.val); err != nil && !(c.typ == bank.TypePDQ && strings.Contains(err.Error(), "all-zero")) {
				v.Add(c.field, "bad_hex", err.Error())
			}
		}
	}
	if in.MaxDistance < 0 || in.MaxDistance > 64 {
		v.Add("max_distance", "out_of_range", "max_distance is from 0 to 64 (0: the default, 31)")
	}
	if in.Quality != nil && (*in.Quality < 0 || *in.Quality > 100) {
		v.Add("quality", "out_of_range", "quality is from 0 to 100")
	}
	if err := v.Err(); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	hits, skipped := a.Scanner.Match(q)
	out := map[string]any{"hits": hits}
	if info != nil {
		out["query"] = info
	}
	if skipped != "" {
		out["pdq_skipped"] = skipped
	}
	writeJSON(w, http.StatusOK, out)
}

// writeEntry answers with the entry named in the path, as it is now.
func (a *API) writeEntry(w http.ResponseWriter, r *http.Request) {
	e, err := a.DB.FilterEntry(r.Context(), r.PathValue("id"), r.PathValue("entry_id"))
	if err != nil {
		a.filterError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, bank.EntryView(e))
}
