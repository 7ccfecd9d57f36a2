package httpapi

import (
	"encoding/base64"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/vpdq"
)

// readImage reads an uploaded image: the first file part of a multipart
// form, or the raw body.
func readImage(r *http.Request) ([]byte, error) {
	data, _, err := readUpload(r)
	return data, err
}

// videoExts are the file names that say an upload is meant as a video.
var videoExts = []string{".mp4", ".m4v", ".mov", ".3gp", ".mkv", ".webm", ".avi", ".flv", ".ts", ".mpg", ".mpeg", ".ogv", ".wmv", ".asf"}

// readUpload reads an uploaded file as readImage does and reports whether
// its media type (video/...) or file name says it is meant as a video, so
// that a file that is none (a zip named .mp4) is refused as a bad video.
func readUpload(r *http.Request) ([]byte, bool, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		data, err := readBody(r)
		return data, strings.HasPrefix(mt, "video/"), err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, false, &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_multipart", Message: "the multipart body cannot be read: " + err.Error()}}}
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, false, &notice.ValidationError{Fields: []notice.FieldError{{Field: "file", Code: "required", Message: "the form has no file part"}}}
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, false, err
			}
			return nil, false, &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_multipart", Message: "the multipart body cannot be read: " + err.Error()}}}
		}
		if p.FileName() == "" && p.FormName() != "file" && p.FormName() != "image" && p.FormName() != "video" {
			continue
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		meant := strings.HasPrefix(pt, "video/") || p.FormName() == "video" ||
			slices.Contains(videoExts, strings.ToLower(filepath.Ext(p.FileName())))
		data, err := io.ReadAll(p)
		return data, meant, err
	}
}

func (a *API) hashImage(w http.ResponseWriter, r *http.Request) {
	data, meantVideo, err := readUpload(r)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if meantVideo || scan.IsVideo(data) {
		a.hashVideo(w, r, data)
		return
	}
	info, ok := a.hashUpload(w, r, data, "file")
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"pdq": info.PDQ, "quality": info.Quality, "md5": info.MD5, "sha256": info.SHA256,
		"matchable": *info.Quality >= a.Scanner.Config().MinQuality})
}

// hashUpload hashes an uploaded image within the scanner's bounds. A request
// that ended meanwhile gets its own problem; an image that cannot be hashed,
// a problem naming field.
func (a *API) hashUpload(w http.ResponseWriter, r *http.Request, data []byte, field string) (scan.MediaInfo, bool) {
	info, err := a.Scanner.HashImageBounded(r.Context(), data)
	if r.Context().Err() != nil {
		a.errorResponse(w, r, err)
		return info, false
	}
	if err != nil {
		writeProblem(w, imageFieldProblem(field, err))
		return info, false
	}
	return info, true
}

func (a *API) matchHashes(w http.ResponseWriter, r *http.Request) {
	var in struct {
		PDQ         string `json:"pdq"`
		Quality     *int   `json:"quality"`
		MD5         string `json:"md5"`
		SHA256      string `json:"sha256"`
		VPDQ        string `json:"vpdq"`
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
		hi, ok := a.hashUpload(w, r, in.Image, "image")
		if !ok {
			return
		}
		info = &hi
		q.PDQ, q.Quality, q.MD5, q.SHA256 = hi.PDQ, hi.Quality, hi.MD5, hi.SHA256
	}
	if in.VPDQ != "" {
		h, err := vpdq.Parse(in.VPDQ)
		if err != nil {
			v.Add("vpdq", "invalid", "vpdq must be lines frame_number,quality,pdq_hex,timestamp_seconds: "+err.Error())
		}
		q.VPDQ = h
	}
	if q.PDQ == "" && q.MD5 == "" && q.SHA256 == "" && q.VPDQ == nil && in.VPDQ == "" {
		v.Add("pdq", "required", "send one of pdq, vpdq, md5, sha256 or image (base64), or an image as the body")
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

// hashVideo answers POST /v1/hash for a video: its vPDQ lines as the
// reference writes them, MD5 and SHA-256 of the file, and with ?tmk=true
// the base64 of its .tmk file.
func (a *API) hashVideo(w http.ResponseWriter, r *http.Request, data []byte) {
	withTMK := r.URL.Query().Get("tmk") == "true"
	vi, err := a.Scanner.HashVideo(r.Context(), data, withTMK)
	if err != nil {
		if errors.Is(err, video.ErrNoFFmpeg) || r.Context().Err() != nil {
			a.errorResponse(w, r, err)
			return
		}
		writeProblem(w, videoFieldProblem("file", err))
		return
	}
	quality := 0
	for _, f := range vi.VPDQ {
		if f.Quality >= vpdq.DefaultMinQuality {
			quality++
		}
	}
	out := map[string]any{"kind": "video", "vpdq": vi.VPDQ.String(), "frames": vi.Frames, "md5": vi.MD5, "sha256": vi.SHA256,
		"duration_seconds": math.Round(vi.Duration*1000) / 1000, "matchable": quality > 0}
	if vi.TMK != nil {
		b, err := vi.TMK.MarshalBinary()
		if err != nil {
			a.errorResponse(w, r, err)
			return
		}
		out["tmk"] = base64.StdEncoding.EncodeToString(b)
	}
	writeJSON(w, http.StatusOK, out)
}
