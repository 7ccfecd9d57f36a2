package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/scan"
)

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
	data, err := readImage(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	info, err := scan.HashImage(data, a.Scanner.Config().Image)
	if err != nil {
		writeProblem(w, imageFieldProblem("file", err))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pdq": info.PDQ, "quality": info.Quality, "md5": info.MD5, "sha256": info.SHA256,
		"matchable": *info.Quality >= a.Scanner.Config().MinQuality})
}

func (a *API) matchHashes(w http.ResponseWriter, r *http.Request) {
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
	var v filterset.Validator
	q := scan.MatchQuery{PDQ: in.PDQ, Quality: in.Quality, MD5: in.MD5, SHA256: in.SHA256, MaxDistance: in.MaxDistance}
	var info *scan.MediaInfo
	if len(in.Image) > 0 {
		hi, err := scan.HashImage(in.Image, a.Scanner.Config().Image)
		if err != nil {
			writeProblem(w, imageFieldProblem("image", err))
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
