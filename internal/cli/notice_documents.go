package cli

import (
	"encoding/base64"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/sigap/sigap/internal/document"
)

// fileList is a flag given once per file.
type fileList []string

func (f *fileList) String() string { return strings.Join(*f, ",") }

func (f *fileList) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// readDocuments reads the files to attach, each checked here as the server
// will check it, so a file it would refuse is named before anything is sent.
func readDocuments(paths []string) ([]map[string]string, error) {
	var ups []document.Upload
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read document: %w", err)
		}
		// The name's extension says what the file claims to be, as a mail client would.
		u, err := document.Check(filepath.Base(p), mime.TypeByExtension(strings.ToLower(filepath.Ext(p))), data)
		if err != nil {
			return nil, fmt.Errorf("document %s: %w", p, err)
		}
		ups = append(ups, u)
	}
	if err := document.CheckSet(ups); err != nil {
		return nil, err
	}
	out := make([]map[string]string, len(ups))
	for i, u := range ups {
		out[i] = map[string]string{"name": u.Name, "content_type": u.ContentType, "data_base64": base64.StdEncoding.EncodeToString(u.Data)}
	}
	return out, nil
}

// printDocuments lists the documents a receipt names, each with its hash.
func printDocuments(env *Env, docs []any) {
	for _, d := range docs {
		m, _ := d.(map[string]any)
		fmt.Fprintf(env.Stdout, "  %-12s %v (%v, %v bytes) sha256 %v\n", "document", m["name"], m["content_type"], m["size"], m["sha256"])
	}
}
