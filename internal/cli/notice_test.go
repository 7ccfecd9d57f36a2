package cli

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := testEnv(&out, &errb, nil)
	code := Main(t.Context(), env, args)
	return out.String(), errb.String(), code
}

func TestSubmitBulkAndVerifyReceipt(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	dir := t.TempDir()
	var links strings.Builder
	links.WriteString("# links from the patrol, one per line\nurl,note\n")
	for i := range 1200 {
		fmt.Fprintf(&links, "https://t.me/s/Channel%d/%d,seen today\n", i%50, i+1)
	}
	links.WriteString("t.me/channel0/1?single\n") // the same message as line 1: joins its case
	file := filepath.Join(dir, "links.csv")
	os.WriteFile(file, []byte(links.String()), 0o600)
	out := filepath.Join(dir, "answer.json")
	_, stderr, code := run(t, "notice", "submit", "--server", url, "--key", key, "--category", "terrorism",
		"--explanation", "Propaganda ISIS", "--legal-basis", "UU ITE Pasal 40", "--file", file, "--out", out)
	if code != 0 {
		t.Fatalf("submit: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1201 subjects (1200 new cases)") || !strings.Contains(stderr, "WIB") {
		t.Errorf("summary: %s", stderr)
	}
	keys := filepath.Join(dir, "keys.json")
	stdout, stderr, code := run(t, "receipt", "verify", "--server", url, out)
	if code != 0 || !strings.HasPrefix(stdout, "OK") {
		t.Fatalf("verify online: %d %s %s", code, stdout, stderr)
	}
	// Offline: save the keys once, then verify without the server.
	body := fetch(t, url+"/v1/keys")
	os.WriteFile(keys, body, 0o600)
	if stdout, _, code := run(t, "receipt", "verify", "--keys", keys, out); code != 0 || !strings.Contains(stdout, "subjects     1200 (from 1201 links)") {
		t.Errorf("verify offline: %d %s", code, stdout)
	}
	// A tampered answer fails.
	data, _ := os.ReadFile(out)
	tampered := bytes.Replace(data, []byte(`"signature":"`), []byte(`"signature":"AAAA`), 1)
	os.WriteFile(out, tampered, 0o600)
	if stdout, _, code := run(t, "receipt", "verify", "--keys", keys, out); code == 0 || !strings.Contains(stdout, "INVALID") {
		t.Errorf("tampered receipt verified: %d %s", code, stdout)
	}
}

func fetch(t *testing.T, url string) []byte {
	t.Helper()
	var out bytes.Buffer
	resp, err := httpGet(url)
	if err != nil {
		t.Fatal(err)
	}
	out.Write(resp)
	return out.Bytes()
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "x.json")
	os.WriteFile(notJSON, []byte("not json"), 0o600)
	noReceipt := filepath.Join(dir, "y.json")
	os.WriteFile(noReceipt, []byte(`{"id":"x"}`), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"no key", []string{"notice", "list", "--server", url}, "no API key"},
		{"bad key", []string{"notice", "list", "--server", url, "--key", "sgp_nope"}, "401"},
		{"no links", []string{"notice", "submit", "--server", url, "--key", key}, "no links"},
		{"refused notice", []string{"notice", "submit", "--server", url, "--key", key, "--category", "terrorism",
			"--explanation", "x", "--legal-basis", "y", "https://t.me/+AbCdEf12345"}, "private_subject"},
		{"server down", []string{"notice", "list", "--server", "http://127.0.0.1:1", "--key", key}, "is the server running"},
		{"verify without key", []string{"receipt", "verify", noReceipt}, "holds no receipt"},
		{"verify not json", []string{"receipt", "verify", "--keys", notJSON, notJSON}, "not JSON"},
		{"serve bad addr", []string{"serve", "--addr", "nonsense", "--data", dir}, "HOST:PORT"},
		{"show unknown", []string{"notice", "show", "--server", url, "--key", key, "ntc_nope"}, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := run(t, tt.args...)
			if code == 0 || !strings.Contains(stdout+stderr, tt.want) {
				t.Errorf("exit %d, output %q %q; want failure mentioning %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func httpGet(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// TestSubmitPrintsAWorkingVerifyCommand runs the verify command that
// `notice submit` prints, word for word: it names the server the notice went
// to, whether that came from --server or SIGAP_SERVER.
func TestSubmitPrintsAWorkingVerifyCommand(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	tests := []struct {
		name   string
		flags  []string
		getenv map[string]string
	}{
		{"--server", []string{"--server", url, "--key", key}, nil},
		{"SIGAP_SERVER", nil, map[string]string{"SIGAP_SERVER": url, "SIGAP_KEY": key}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "receipt.json")
			args := append([]string{"notice", "submit"}, tt.flags...)
			args = append(args, "--category", "terrorism", "--explanation", "Propaganda ISIS", "--legal-basis", "UU ITE Pasal 40",
				"--out", out, "https://t.me/Channel/1", "https://t.me/Channel/2")
			var errb bytes.Buffer
			env := &Env{Stdout: io.Discard, Stderr: &errb, Stdin: strings.NewReader(""), Getenv: func(k string) string { return tt.getenv[k] }, Now: time.Now}
			if code := Main(t.Context(), env, args); code != 0 {
				t.Fatalf("submit: exit %d: %s", code, errb.String())
			}
			_, after, ok := strings.Cut(errb.String(), "check it with: sigap ")
			cmd, _, _ := strings.Cut(after, ")")
			if want := "receipt verify --server " + url + " " + out; !ok || cmd != want {
				t.Fatalf("printed %q, want %q in:\n%s", cmd, want, errb.String())
			}
			if stdout, stderr, code := run(t, strings.Fields(cmd)...); code != 0 || !strings.HasPrefix(stdout, "OK") {
				t.Errorf("the printed command: exit %d: %s %s", code, stdout, stderr)
			}
		})
	}
}

// TestReceiptVerifyListsEachSubjectOnce checks that verify prints each
// distinct canonical subject once, with how many of the notice's links led
// to it, as the receipt signs one canonical subject per link.
func TestReceiptVerifyListsEachSubjectOnce(t *testing.T) {
	t.Parallel()
	url, key := testServer(t)
	tests := []struct {
		name  string
		links []string
		want  []string
		not   []string
	}{
		{"one message three ways", []string{"https://t.me/s/SomeChannel/123", "telegram.me/somechannel/123?single", "tg://resolve?domain=SomeChannel&post=123"},
			[]string{"  subjects     1 (from 3 links)\n", "    telegram:message/somechannel/123 (3 links)\n"}, nil},
		{"two subjects, one twice", []string{"https://t.me/a_channel/1", "https://t.me/b_channel/2", "https://t.me/A_Channel/1/"},
			[]string{"  subjects     2 (from 3 links)\n", "    telegram:message/a_channel/1 (2 links)\n", "    telegram:message/b_channel/2\n"}, []string{"(1 link"}},
		{"all distinct", []string{"https://t.me/a_channel/1", "https://t.me/b_channel/2"},
			[]string{"  subjects     2\n", "    telegram:message/a_channel/1\n", "    telegram:message/b_channel/2\n"}, []string{"from", "(1 link"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "receipt.json")
			args := append([]string{"notice", "submit", "--server", url, "--key", key, "--category", "terrorism",
				"--explanation", "Propaganda ISIS", "--legal-basis", "UU ITE Pasal 40", "--out", out}, tt.links...)
			if _, stderr, code := run(t, args...); code != 0 {
				t.Fatalf("submit: exit %d: %s", code, stderr)
			}
			stdout, stderr, code := run(t, "receipt", "verify", "--server", url, out)
			if code != 0 {
				t.Fatalf("verify: exit %d: %s %s", code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, stdout)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("output has %q:\n%s", n, stdout)
				}
			}
			if c := strings.Count(stdout, "telegram:"); c != strings.Count(strings.Join(tt.want, ""), "telegram:") {
				t.Errorf("%d subject lines:\n%s", c, stdout)
			}
		})
	}
}
