package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/document"
)

func TestSubmitWithDocumentAndVerify(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	dir := t.TempDir()
	pdf := document.SamplePDF("Surat Perintah 12/2026")
	letter := filepath.Join(dir, "surat-12.pdf")
	os.WriteFile(letter, pdf, 0o600)
	zip := filepath.Join(dir, "surat.pdf")
	os.WriteFile(zip, append([]byte("PK\x03\x04"), make([]byte, 60)...), 0o600)
	out := filepath.Join(dir, "answer.json")
	args := []string{"notice", "submit", "--server", url, "--key", key, "--category", "terrorism",
		"--explanation", "Propaganda", "--legal-basis", "UU ITE Pasal 40", "--out", out}

	// A zip named .pdf is refused before anything is sent.
	_, stderr, code := run(t, append(args, "--document", zip, "https://t.me/cli_doc/1")...)
	if code == 0 || !strings.Contains(stderr, "zip") {
		t.Fatalf("zip as PDF: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("an answer was saved for a refused document")
	}

	if _, stderr, code := run(t, append(args, "--document", letter, "https://t.me/cli_doc/1")...); code != 0 {
		t.Fatalf("submit: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := run(t, "receipt", "verify", "--server", url, out)
	sum := sha256.Sum256(pdf)
	if code != 0 || !strings.Contains(stdout, "document     surat-12.pdf (application/pdf") || !strings.Contains(stdout, hex.EncodeToString(sum[:])) {
		t.Errorf("verify: %d %s %s", code, stdout, stderr)
	}
}
