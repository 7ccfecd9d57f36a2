package notice

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sigap/sigap/internal/document"
)

// wireDocument is one attached file in a JSON body.
type wireDocument struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	DataBase64  string `json:"data_base64"`
}

// documents reads the body's attached files, each checked by internal/document.
func (v *validator) documents(w wire, r *Request) {
	raw, ok := w["documents"]
	if !ok || string(raw) == "null" {
		return
	}
	var items []wireDocument
	if err := json.Unmarshal(raw, &items); err != nil {
		v.add("documents", "wrong_type", `documents harus berupa daftar / documents must be a list of {"name": "surat.pdf", "content_type": "application/pdf", "data_base64": "..."}`)
		return
	}
	if len(items) > document.MaxFiles {
		v.document("documents", document.CheckSet(make([]document.Upload, len(items))))
		return
	}
	for i, it := range items {
		field := fmt.Sprintf("documents[%d]", i)
		data, err := base64.StdEncoding.DecodeString(it.DataBase64)
		if err != nil {
			v.add(field+".data_base64", "invalid", "data_base64 bukan base64 yang sah / data_base64 is not valid base64 (RFC 4648, with padding)")
			continue
		}
		u, err := document.Check(it.Name, it.ContentType, data)
		if err != nil {
			v.document(field, err)
			continue
		}
		r.Documents = append(r.Documents, u)
	}
	if len(r.Documents) == len(items) {
		v.document("documents", document.CheckSet(r.Documents))
	}
}

// document adds a refused document as a field error, its message in both languages.
func (v *validator) document(field string, err error) {
	var de *document.Error
	if errors.As(err, &de) {
		v.add(field, de.Code, de.Message())
	}
}

// DocumentsError is a refused set of documents (from a multipart body or an
// e-mail) as the 422 a JSON body's documents get; nil when err is nil.
func DocumentsError(field string, err error) error {
	if err == nil {
		return nil
	}
	v := &validator{}
	v.document(field, err)
	if len(v.errs) == 0 {
		return err
	}
	return &ValidationError{Fields: v.errs}
}
