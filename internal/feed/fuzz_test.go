package feed_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/translog"
)

// FuzzReadPage feeds the page reader and verifier whatever a hostile source
// could send: they never panic, a page they accept is numbered from the
// cursor on within the size it states, and it verifies only under the key
// that signed it.
func FuzzReadPage(f *testing.F) {
	f.Add([]byte(`{"origin":"o/feed/bnk_1","verifier_key":"k","family":"bank","set":{"name":"x","labels":[]},"size":1,`+
		`"events":[{"seq":1,"op":"add","id":"ent_1","type":"sha256","value":"aa","at":"2026-01-01T00:00:00Z"}],"next_cursor":"","checkpoint":"c"}`), int64(0))
	f.Add([]byte(`{"origin":"o","verifier_key":"k","family":"list","set":{"name":"x"},"size":3,"events":[{"seq":3,"op":"remove","id":"e","at":"2026-01-01T00:00:00Z"}],"checkpoint":"c"}`), int64(2))
	f.Add([]byte(`{"origin":"o","verifier_key":"k","family":"bank","size":1,"events":[{"seq":2,"op":"add","id":"e"}],"checkpoint":"c"}`), int64(0))
	f.Add([]byte(`{"origin":"o","verifier_key":"k","family":"bank","size":0,"events":[],"checkpoint":"c"} {}`), int64(0))
	f.Add([]byte(`{"origin":"o","verifier_key":"k","family":"bank","size":-1,"checkpoint":"c"}`), int64(5))
	f.Add([]byte(`{"origin":`), int64(0))
	f.Add([]byte(`{"origin":"o","verifier_key":"k","family":"bank","set":{"name":"x"},"size":0,"events":[],"checkpoint":"c",`+
		`"offers":[{"path":"/v1/feeds/shr_1","token":"sgf_x","name":"Serangan"},{"path":"http://evil/v1/feeds/x","token":"t","name":"n"}]}`), int64(0))
	key := fuzzKey(f)
	f.Fuzz(func(t *testing.T, data []byte, after int64) {
		if after < 0 {
			after = -after
		}
		p, err := feed.ReadPage(bytes.NewReader(data), after)
		if err != nil {
			if !errors.Is(err, feed.ErrMalformed) && !errors.Is(err, feed.ErrTampered) {
				t.Fatalf("an unreadable page's error wraps neither ErrMalformed nor ErrTampered: %v", err)
			}
			return
		}
		for i, e := range p.Events {
			if e.Seq != after+int64(i)+1 || (e.Op != feed.OpAdd && e.Op != feed.OpRemove) {
				t.Fatalf("accepted event %d: %+v", i, e)
			}
		}
		for _, o := range p.Offers {
			if !strings.HasPrefix(o.Path, "/v1/feeds/") || strings.ContainsAny(o.Path, "?#@") {
				t.Fatalf("accepted an offer off the feed's own server: %q", o.Path)
			}
		}
		if after+int64(len(p.Events)) > p.Size {
			t.Fatalf("accepted %d events after %d past the size %d", len(p.Events), after, p.Size)
		}
		if _, err := p.Verify(key.VerifierKey, p.Origin, after, feed.ZeroHead); err == nil {
			t.Fatalf("a page not signed by the key verified under it")
		}
	})
}

func fuzzKey(f *testing.F) translog.Key {
	skey, _, err := note.GenerateKey(rand.Reader, "fuzz.example/log")
	if err != nil {
		f.Fatal(err)
	}
	k, err := translog.ParseSignerKey(skey)
	if err != nil {
		f.Fatal(err)
	}
	return k
}

// TestSignedPageVerifies is the fuzzer's other half: a page signed by the
// key verifies, and the same page with one value changed does not.
func TestSignedPageVerifies(t *testing.T) {
	t.Parallel()
	skey, _, _ := note.GenerateKey(rand.Reader, "test.example/log")
	key, err := translog.ParseSignerKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	evs := []feed.Event{{Seq: 1, Op: "add", ID: "ent_1", Type: "sha256", Value: "aa", At: at}, {Seq: 2, Op: "remove", ID: "ent_1", Type: "sha256", Value: "aa", At: at}}
	heads := feed.Chain(evs)
	origin := key.Verifier.Name() + "/feed/bnk_1"
	cp, err := feed.SignCheckpoint(key, origin, 2, heads[1])
	if err != nil {
		t.Fatal(err)
	}
	p := feed.Page{Origin: origin, VerifierKey: key.VerifierKey, Family: "bank", Size: 2, Events: evs, Checkpoint: cp}
	if _, err := p.Verify(key.VerifierKey, origin, 0, feed.ZeroHead); err != nil {
		t.Fatalf("a signed page does not verify: %v", err)
	}
	for name, change := range map[string]func(*feed.Page){
		"a value":    func(p *feed.Page) { p.Events = []feed.Event{evs[0], evs[1]}; p.Events[0].Value = "ab" },
		"the order":  func(p *feed.Page) { p.Events = []feed.Event{evs[1], evs[0]} },
		"an event":   func(p *feed.Page) { p.Events = evs[:1] },
		"the origin": func(p *feed.Page) { p.Origin = "other/feed/bnk_1" },
		"the key":    func(p *feed.Page) { p.VerifierKey = "other" },
	} {
		q := p
		change(&q)
		if _, err := q.Verify(key.VerifierKey, origin, 0, feed.ZeroHead); !errors.Is(err, feed.ErrTampered) {
			t.Errorf("a page with %s changed: want ErrTampered, got %v", name, err)
		}
	}
}

// FuzzParseHashList feeds the hash-list reader whatever a list's host could
// serve: it never panics, a refusal wraps ErrMalformed, and every entry it
// accepts has a type and a value.
func FuzzParseHashList(f *testing.F) {
	f.Add([]byte("# HMA file exchange\npdq f8f8\nvideo_md5 abab\n"))
	f.Add([]byte("hash,hash_type,labels\nf8f8,PDQ,terrorism\n"))
	f.Add([]byte("hash_type,hash\n\"PDQ\",\"f8\nf8\"\n"))
	f.Add([]byte(`[{"id":1,"hash_digest":"ab","algorithm":"MD5","ideology":"islamist","deleted":true}]`))
	f.Add([]byte(`{"count":1,"next":null,"checkpoint":"1.5,1","results":[{"hash_digest":"ab","algorithm":"PDQ"}]}`))
	f.Add([]byte("\xef\xbb\xbfpdq\n"))
	f.Add([]byte(`[{"hash_digest":"ab"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := feed.ParseHashList(data)
		if err != nil {
			if !errors.Is(err, feed.ErrMalformed) {
				t.Fatalf("a refused list's error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		for i, e := range entries {
			if strings.TrimSpace(e.Type) == "" || strings.TrimSpace(e.Value) == "" {
				t.Fatalf("entry %d accepted without a type or value: %+v", i, e)
			}
		}
	})
}
