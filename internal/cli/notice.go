package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/client"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/notice"
)

const maxSubjectsPerNotice = 100_000

func runNotice(ctx context.Context, env *Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "submit":
		return noticeSubmit(ctx, env, args)
	case "show":
		return noticeShow(ctx, env, args)
	case "list":
		return noticeList(ctx, env, args)
	}
	fmt.Fprintln(env.Stderr, `usage: sigap notice submit|show|list [flags]

  submit  send a notice: links as arguments, or --file with one link per line (CSV: the first column holding a link)
  show    print one notice with its cases and timeline:   sigap notice show NOTICE_ID
  list    list your notices:                                sigap notice list [--status received] [--limit 50]

Every command takes --server URL (env SIGAP_SERVER, default http://127.0.0.1:8080) and
--key KEY or --key-file FILE (env SIGAP_KEY), and signs its requests (RFC 9421) with
--sign-key FILE --sign-keyid ID (env SIGAP_SIGN_KEY, SIGAP_SIGN_KEYID): see sigap signing-key.`)
	return errUsage
}

type conn struct {
	server, key, keyFile *string
	signKey, signKeyID   *string
	now                  func() time.Time
}

func connFlags(fs *flag.FlagSet, env *Env) conn {
	def := env.Getenv("SIGAP_SERVER")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	return conn{
		server:  fs.String("server", def, "sigap server URL (env SIGAP_SERVER)"),
		key:     fs.String("key", env.Getenv("SIGAP_KEY"), "API key (env SIGAP_KEY)"),
		keyFile: fs.String("key-file", "", "read the API key from this file"),
		signKey: fs.String("sign-key", env.Getenv("SIGAP_SIGN_KEY"),
			"sign each request (RFC 9421) with this Ed25519 private key: PEM PKCS #8 or base64 seed (env SIGAP_SIGN_KEY)"),
		signKeyID: fs.String("sign-keyid", env.Getenv("SIGAP_SIGN_KEYID"),
			"the keyid the signing key is registered under (env SIGAP_SIGN_KEYID; default: derived from the key, as sigap signing-key gen prints it)"),
		now: env.Now,
	}
}

func (c conn) client() (*client.Client, error) {
	key := *c.key
	if *c.keyFile != "" {
		b, err := os.ReadFile(*c.keyFile)
		if err != nil {
			return nil, fmt.Errorf("read key file: %w", err)
		}
		key = strings.TrimSpace(string(b))
	}
	if key == "" {
		return nil, errors.New("no API key: pass --key, --key-file or set SIGAP_KEY")
	}
	cl := client.New(*c.server, key)
	if *c.signKey != "" {
		priv, err := loadSigningKey(*c.signKey)
		if err != nil {
			return nil, err
		}
		keyid := *c.signKeyID
		if keyid == "" {
			keyid = defaultKeyID(priv.Public().(ed25519.PublicKey))
		}
		cl.Sign, cl.Now = &httpsig.Key{KeyID: keyid, Private: priv}, c.now
	} else if *c.signKeyID != "" {
		return nil, errors.New("--sign-keyid without --sign-key: name the private key file too")
	}
	return cl, nil
}

func noticeSubmit(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("notice submit", env)
	cn := connFlags(fs, env)
	kind := fs.String("kind", notice.KindOrder, oneOf(notice.KindNames()))
	category := fs.String("category", "", "terrorism, violent_extremism, csam, public_order, gambling, ... (required)")
	explanation := fs.String("explanation", "", "why the content is illegal or harmful (required)")
	legal := fs.String("legal-basis", "", "statute and article (required for orders)")
	reference := fs.String("reference", "", "your own reference number")
	regime := fs.String("regime", "", "legal regime, e.g. ID-PSE, EU-TCO (default: your org's)")
	urgent := fs.Bool("urgent", false, "ask for the regime's urgent class")
	action := fs.String("requested-action", "", oneOf(notice.RequestedActions))
	scope := fs.String("scope", "", "territorial scope, comma-separated ISO codes (e.g. ID)")
	language := fs.String("language", "", "BCP 47 language of the content (e.g. id)")
	goodFaith := fs.Bool("good-faith", false, "state that the notice is accurate and complete (flags and reports)")
	file := fs.String("file", "", "read links from this file, one per line (- for standard input)")
	idem := fs.String("idempotency-key", "", "retry-safe key (default: one made for this run, named in the error when no answer came); bulk files add -1, -2, ... per notice")
	var docs fileList
	fs.Var(&docs, "document", "attach this PDF, PNG or JPEG (the signed letter); repeat for more (at most 10, 4 MiB each, 5 MiB in all)")
	preserveDays := fs.Int("preserve-days", 0, "a preservation request: how many days to keep the data (default: the policy's)")
	out := fs.String("out", "", "write each answer (with its signed receipt) to this file; bulk: FILE-1.json, FILE-2.json, ...")
	if err := fs.Parse(args); err != nil {
		return err
	}
	links := fs.Args()
	if *file != "" {
		fromFile, err := readLinks(env, *file)
		if err != nil {
			return err
		}
		links = append(links, fromFile...)
	}
	if len(links) == 0 {
		return errors.New("no links: give them as arguments or with --file")
	}
	cl, err := cn.client()
	if err != nil {
		return err
	}
	base := map[string]any{"kind": *kind, "category": *category, "explanation": *explanation}
	for k, v := range map[string]string{"legal_basis": *legal, "reference": *reference, "regime": *regime,
		"requested_action": *action, "language": *language} {
		if v != "" {
			base[k] = v
		}
	}
	if *urgent {
		base["urgent"] = true
	}
	if *goodFaith {
		base["good_faith"] = true
	}
	if *scope != "" {
		base["territorial_scope"] = strings.Split(strings.ToUpper(*scope), ",")
	}
	if *preserveDays != 0 {
		base["preserve_days"] = *preserveDays
	}
	if len(docs) > 0 {
		// Every notice of a bulk file carries the letter.
		if base["documents"], err = readDocuments(docs); err != nil {
			return err
		}
	}
	// Without a key of the user's, one of our own: a connection closed
	// under a request (a replica draining for an upgrade) is then sent
	// again by net/http, and the user can file the same notices again
	// knowing they are stored once.
	key := *idem
	if key == "" {
		var b [8]byte
		_, _ = rand.Read(b[:])
		key = "cli-" + hex.EncodeToString(b[:])
	}
	chunks := (len(links) + maxSubjectsPerNotice - 1) / maxSubjectsPerNotice
	bar := newProgress(env.Stderr, "links", len(links), chunks > 1 || len(links) >= 1000)
	var failed error
	for i := 0; i < chunks; i++ {
		part := links[i*maxSubjectsPerNotice : min(len(links), (i+1)*maxSubjectsPerNotice)]
		subjects := make([]map[string]string, len(part))
		for j, l := range part {
			subjects[j] = map[string]string{"url": l}
		}
		base["subjects"] = subjects
		body, _ := json.Marshal(base)
		h := http.Header{}
		k := key
		if chunks > 1 {
			k = fmt.Sprintf("%s-%d", k, i+1)
		}
		h.Set("Idempotency-Key", k)
		var answer json.RawMessage
		_, err := cl.Do(ctx, "POST", "/v1/notices", bytes.NewReader(body), h, &answer)
		bar.add(len(part))
		if err != nil {
			if ue := (*url.Error)(nil); errors.As(err, &ue) {
				// No answer: the notice may or may not be stored.
				err = fmt.Errorf("%w; it may or may not be stored: run the same command again with --idempotency-key %s to file it exactly once", err, key)
			}
			failed = errors.Join(failed, fmt.Errorf("notice %d of %d (%d links): %w", i+1, chunks, len(part), err))
			continue
		}
		if err := reportSubmitted(env, answer, *cn.server, *out, i+1, chunks); err != nil {
			return err
		}
	}
	bar.done()
	return failed
}

func reportSubmitted(env *Env, answer json.RawMessage, server, out string, n, total int) error {
	var s struct {
		ID     string    `json:"id"`
		Status string    `json:"status"`
		DueAt  time.Time `json:"due_at"`
		SLA    struct{ Regime, Class, Within string }
		Subj   []struct {
			NewCase bool `json:"new_case"`
		} `json:"subjects"`
	}
	_ = json.Unmarshal(answer, &s)
	newCases := 0
	for _, x := range s.Subj {
		if x.NewCase {
			newCases++
		}
	}
	fmt.Fprintf(env.Stderr, "notice %s received: %d subjects (%d new cases), %s %s within %s, due %s\n",
		s.ID, len(s.Subj), newCases, s.SLA.Regime, s.SLA.Class, s.SLA.Within, whenBoth(s.DueAt))
	if out == "" {
		_, err := env.Stdout.Write(append(answer, '\n'))
		return err
	}
	path := out
	if total > 1 {
		path = fmt.Sprintf("%s-%d.json", strings.TrimSuffix(out, ".json"), n)
	}
	if err := os.WriteFile(path, answer, 0o600); err != nil {
		return fmt.Errorf("save answer: %w", err)
	}
	fmt.Fprintf(env.Stderr, "answer and signed receipt saved to %s (check it with: sigap receipt verify --server %s %s)\n", path, server, path)
	return nil
}

// whenBoth shows a time in WIB with UTC beside it.
func whenBoth(t time.Time) string {
	return t.In(clock.WIB()).Format("2006-01-02 15:04:05 WIB") + " (" + t.UTC().Format("15:04:05 UTC") + ")"
}

// readLinks reads one link per line; in CSV lines it takes the first field that looks like a link.
func readLinks(env *Env, name string) ([]string, error) {
	rd, err := openInput(env, name)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var out []string
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Contains(line, ",") {
			link := ""
			for _, f := range strings.Split(line, ",") {
				f = strings.Trim(strings.TrimSpace(f), `"`)
				if strings.Contains(f, "://") || strings.Contains(f, "t.me/") || strings.HasPrefix(f, "@") {
					link = f
					break
				}
			}
			if link == "" {
				continue // a CSV header or a row without a link
			}
			line = link
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

func noticeShow(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("notice show", env)
	cn := connFlags(fs, env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: sigap notice show NOTICE_ID")
	}
	cl, err := cn.client()
	if err != nil {
		return err
	}
	var raw json.RawMessage
	if _, err := cl.Do(ctx, "GET", "/v1/notices/"+fs.Arg(0), nil, nil, &raw); err != nil {
		return err
	}
	var v struct {
		ID, Kind, Status, Category string
		DueAt                      time.Time `json:"due_at"`
		ReceivedAt                 time.Time `json:"received_at"`
		Cases                      []struct{ ID, Subject, State, Lane string }
		Timeline                   []struct {
			At   time.Time
			Type string
		}
	}
	_ = json.Unmarshal(raw, &v)
	w := env.Stdout
	fmt.Fprintf(w, "Notice   %s (%s, %s)\nStatus   %s\nReceived %s\nDue      %s\n", v.ID, v.Kind, v.Category, v.Status, whenBoth(v.ReceivedAt), whenBoth(v.DueAt))
	fmt.Fprintf(w, "Cases    %d\n", len(v.Cases))
	for _, c := range v.Cases {
		fmt.Fprintf(w, "  %s  %-8s %-8s %s\n", c.ID, c.State, c.Lane, c.Subject)
	}
	fmt.Fprintln(w, "Timeline")
	for _, e := range v.Timeline {
		fmt.Fprintf(w, "  %s  %s\n", whenBoth(e.At), e.Type)
	}
	return nil
}

func noticeList(ctx context.Context, env *Env, args []string) error {
	fs := newFlags("notice list", env)
	cn := connFlags(fs, env)
	status := fs.String("status", "", "only this status")
	limit := fs.String("limit", "50", "how many")
	cursor := fs.String("cursor", "", "continue from a previous page")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cl, err := cn.client()
	if err != nil {
		return err
	}
	var out struct {
		Items []struct {
			ID, Kind, Status, Category string
			DueAt                      time.Time `json:"due_at"`
			SubjectCount               int       `json:"subject_count"`
		}
		NextCursor string `json:"next_cursor"`
	}
	if _, err := cl.Do(ctx, "GET", client.Query("/v1/notices", "status", *status, "limit", *limit, "cursor", *cursor), nil, nil, &out); err != nil {
		return err
	}
	for _, n := range out.Items {
		fmt.Fprintf(env.Stdout, "%s  %-8s %-10s %-18s %6d subjects  due %s\n", n.ID, n.Kind, n.Status, n.Category, n.SubjectCount, whenBoth(n.DueAt))
	}
	if out.NextCursor != "" {
		fmt.Fprintf(env.Stderr, "more: sigap notice list --cursor %s\n", out.NextCursor)
	}
	return nil
}

// oneOf lists choices for a flag's help: "a, b or c".
func oneOf(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}
