package mailin_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/mailin"
)

// FuzzNotice feeds arbitrary bytes through Read and Notice: neither may
// panic, a body is valid JSON with subjects, and a refusal names its reasons
// in both languages.
func FuzzNotice(f *testing.F) {
	f.Add([]byte(plain("kind: order\r\ncategory: terrorism\r\nhttps://t.me/a/1\r\nx\r\n")))
	f.Add([]byte(head + "Content-Type: text/html\r\n\r\n<p>https://t.me/a/1</p><script>x</script><p>y</p>"))
	f.Add([]byte(head + "Content-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhttps://t.me/a/1\r\n--X\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x\r\n--X--\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := mailin.Read(raw, mailin.Limits{})
		if err != nil {
			return
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Fatalf("text or subject not UTF-8")
		}
		body, probs := mailin.Notice(m)
		if len(probs) > 0 {
			for _, p := range probs {
				if p.ID == "" || p.EN == "" || p.Code == "" {
					t.Fatalf("problem %+v incomplete", p)
				}
			}
			if body != nil {
				t.Fatalf("a body with problems")
			}
			return
		}
		var b struct {
			Subjects    []map[string]string `json:"subjects"`
			Explanation string              `json:"explanation"`
		}
		if err := json.Unmarshal(body, &b); err != nil || len(b.Subjects) == 0 || strings.TrimSpace(b.Explanation) == "" {
			t.Fatalf("body %s: %v", body, err)
		}
	})
}
