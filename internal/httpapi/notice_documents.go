package httpapi

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
)

// documentView is an attached document as a notice's answer lists it, with
// how long its bytes are kept (docs/documents.md, "Keeping them").
type documentView struct {
	document.Upload
	URL       string     `json:"url"`
	KeepUntil time.Time  `json:"keep_until"`
	HoldUntil *time.Time `json:"hold_until,omitempty"`
	PurgedAt  *time.Time `json:"purged_at,omitempty"`
}

func documentViews(noticeID string, docs []document.Kept) []documentView {
	if len(docs) == 0 {
		return nil
	}
	out := make([]documentView, len(docs))
	for i, d := range docs {
		// Upload's bytes are json:"-": they are the document URL's answer.
		out[i] = documentView{Upload: d.Upload, URL: fmt.Sprintf("/v1/notices/%s/documents/%d", noticeID, d.Position),
			KeepUntil: d.KeepUntil, HoldUntil: d.HoldUntil, PurgedAt: d.PurgedAt}
	}
	return out
}

// newDocumentViews lists a notice's documents as just received: kept for
// the whole retention, not yet held.
func newDocumentViews(n *notice.Notice) []documentView {
	kept := make([]document.Kept, len(n.Documents))
	for i, d := range n.Documents {
		kept[i] = document.Kept{Upload: d, Position: i, KeepUntil: document.KeepUntil(n.ReceivedAt)}
	}
	return documentViews(n.ID, kept)
}

// holdDocument puts one of a notice's documents under a legal hold.
func (a *API) holdDocument(r *http.Request, c org.Caller, in holdBody) (documentView, error) {
	pos, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || pos < 0 || pos >= document.MaxFiles {
		return documentView{}, store.ErrNotFound
	}
	until, err := in.check()
	if err != nil {
		return documentView{}, err
	}
	d, err := a.Enforce.HoldDocument(r.Context(), c, r.PathValue("id"), pos, until, in.Reason)
	if err != nil {
		return documentView{}, err
	}
	return documentViews(r.PathValue("id"), []document.Kept{*d})[0], nil
}

// multipartFail is a multipart body that cannot be read: a 413 when it ran
// over MaxBody, otherwise a 422 naming the problem.
func multipartFail(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return &notice.ValidationError{Fields: []notice.FieldError{{Code: "malformed_multipart",
		Message: "badan multipart tidak terbaca / the multipart body cannot be read: " + err.Error()}}}
}

// readNoticeForm reads a multipart/form-data notice: the part named
// "notice" is the JSON body, and each part named "document" (or
// "documents") a file, checked by document.Check. Every refused file is
// listed at once, and nothing is stored when any is.
func readNoticeForm(r *http.Request, boundary string) ([]byte, []document.Upload, error) {
	if boundary == "" {
		return nil, nil, multipartFail(errors.New("no boundary"))
	}
	mr := multipart.NewReader(r.Body, boundary)
	var body []byte
	var docs []document.Upload
	var bad []notice.FieldError
	files := 0
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, multipartFail(err)
		}
		switch p.FormName() {
		case "notice":
			if body != nil {
				bad = append(bad, notice.FieldError{Field: "notice", Code: "duplicate", Message: "formulir memuat lebih dari satu bagian notice / the form has more than one notice part"})
			}
			if body, err = io.ReadAll(p); err != nil {
				return nil, nil, multipartFail(err)
			}
		case "document", "documents":
			field := fmt.Sprintf("documents[%d]", files)
			if files++; files > document.MaxFiles {
				bad = append(bad, notice.FieldError{Field: field, Code: document.CodeTooMany,
					Message: fmt.Sprintf("paling banyak %d dokumen per pemberitahuan / at most %d documents a notice", document.MaxFiles, document.MaxFiles)})
				continue
			}
			data, err := io.ReadAll(io.LimitReader(p, document.MaxFileSize+1))
			if err != nil {
				return nil, nil, multipartFail(err)
			}
			u, err := document.Check(p.FileName(), p.Header.Get("Content-Type"), data)
			var de *document.Error
			if errors.As(err, &de) {
				bad = append(bad, notice.FieldError{Field: field, Code: de.Code, Message: de.Message()})
				continue
			}
			docs = append(docs, u)
		default:
			bad = append(bad, notice.FieldError{Field: p.FormName(), Code: "unknown_field",
				Message: fmt.Sprintf("bagian %q tidak dikenal; kirim notice (JSON) dan document (berkas) / part %q is not taken; send notice (the JSON) and document (files)", p.FormName(), p.FormName())})
		}
	}
	if body == nil {
		bad = append(bad, notice.FieldError{Field: "notice", Code: "required", Message: "formulir tidak memuat bagian notice (JSON) / the form has no notice part (the JSON body)"})
	}
	if len(bad) > 0 {
		return nil, nil, &notice.ValidationError{Fields: bad}
	}
	return body, docs, nil
}

// noticeBody reads POST /v1/notices: a JSON body, or a multipart form of the
// JSON and files.
func noticeBody(r *http.Request) ([]byte, []document.Upload, error) {
	mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		return readNoticeForm(r, params["boundary"])
	}
	body, err := readBody(r)
	return body, nil, err
}

// getNoticeDocument answers one attached document's bytes to whoever may see
// the notice, and puts the access on the notice's timeline, as evidence's.
func (a *API) getNoticeDocument(w http.ResponseWriter, r *http.Request) {
	pos, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || pos < 0 || pos >= document.MaxFiles {
		a.errorResponse(w, r, store.ErrNotFound)
		return
	}
	d, err := a.Intake.Document(r.Context(), callerFrom(r.Context()), r.PathValue("id"), pos)
	if err != nil {
		a.errorResponse(w, r, err)
		return
	}
	document.Serve(w, d)
}

// noticeDocuments is the answer's list of a stored notice's documents.
func (a *API) noticeDocuments(r *http.Request, noticeID string) ([]documentView, error) {
	docs, err := a.DB.NoticeDocumentsKept(r.Context(), noticeID)
	return documentViews(noticeID, docs), err
}
