package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/store"
)

// formDocuments reads the files chosen in the new-notice form's document
// input, each checked by internal/document; refused lists each refused
// file's reason in lang. Nothing is kept of a form with a refused file.
func formDocuments(r *http.Request, lang string) (docs []document.Upload, refused []string, err error) {
	if r.MultipartForm == nil {
		return nil, nil, nil
	}
	files := r.MultipartForm.File["document"]
	for _, fh := range files {
		if fh.Filename == "" && fh.Size == 0 {
			continue // the empty input a browser sends when no file was chosen
		}
		f, err := fh.Open()
		if err != nil {
			return nil, nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, document.MaxFileSize+1))
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		u, err := document.Check(fh.Filename, fh.Header.Get("Content-Type"), data)
		var de *document.Error
		switch {
		case errors.As(err, &de):
			refused = append(refused, refusalIn(lang, de))
		case err != nil:
			return nil, nil, err
		default:
			docs = append(docs, u)
		}
	}
	var de *document.Error
	if errors.As(document.CheckSet(docs), &de) {
		refused = append(refused, refusalIn(lang, de))
	}
	return docs, refused, nil
}

// refusalIn is a refused document's reason in lang.
func refusalIn(lang string, de *document.Error) string {
	if lang == i18n.EN {
		return de.EN
	}
	return de.ID
}

// noticeDocument serves one of a notice's documents to a user who may see
// the notice; the read goes on its timeline.
func (p *Portal) noticeDocument(w http.ResponseWriter, r *http.Request, q *req) {
	pos, err := strconv.Atoi(r.PathValue("index"))
	if err != nil || pos < 0 || pos >= document.MaxFiles {
		p.serverError(w, r, store.ErrNotFound)
		return
	}
	d, err := p.Intake.Document(r.Context(), q.Caller(), r.PathValue("id"), pos)
	if p.failed(w, r, err, keyedRefusal{document.ErrPurged, http.StatusGone, "doc.purged"}) {
		return
	}
	document.Serve(w, d)
}
