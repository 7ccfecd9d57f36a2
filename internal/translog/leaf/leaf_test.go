package leaf_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/translog/leaf"
)

var salt = bytes.Repeat([]byte{7}, leaf.SaltSize)

func TestCanonicalIsStable(t *testing.T) {
	t.Parallel()
	e := leaf.Event{LogIndex: 3, At: 1795773600000, Type: "notice.received", NoticeID: "ntc_1", OrgID: "org_1",
		Data: `{"subjects": 1, "kind":"order"}`}
	got := leaf.Canonical(e)
	want := `{"at":1795773600000,"case_id":"","data":"{\"subjects\": 1, \"kind\":\"order\"}","log_index":3,"notice_id":"ntc_1","org_id":"org_1","type":"notice.received"}`
	if string(got) != want {
		t.Errorf("Canonical = %s\nwant        %s", got, want)
	}
}

func TestCommitDetectsEveryField(t *testing.T) {
	t.Parallel()
	base := leaf.Event{LogIndex: 3, At: 1795773600000, Type: "case.opened", NoticeID: "ntc_1", CaseID: "case_1", OrgID: "org_1", Data: `{"subject":"telegram:channel/x"}`}
	c0, err := leaf.Commit(salt, base)
	if err != nil {
		t.Fatal(err)
	}
	if len(c0) != leaf.Size {
		t.Fatalf("commitment of %d bytes", len(c0))
	}
	edits := map[string]func(e *leaf.Event){
		"log index": func(e *leaf.Event) { e.LogIndex++ },
		"at":        func(e *leaf.Event) { e.At++ },
		"type":      func(e *leaf.Event) { e.Type = "case.joined" },
		"notice":    func(e *leaf.Event) { e.NoticeID = "ntc_2" },
		"case":      func(e *leaf.Event) { e.CaseID = "" },
		"org":       func(e *leaf.Event) { e.OrgID = "org_2" },
		"data":      func(e *leaf.Event) { e.Data = `{"subject":"telegram:channel/y"}` },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := base
			edit(&e)
			c, err := leaf.Commit(salt, e)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(c, c0) {
				t.Errorf("editing the %s does not change the commitment", name)
			}
		})
	}
	// Even white space in the stored data is an edit.
	e := base
	e.Data = "{ \"subject\":\"telegram:channel/x\"}"
	if c, _ := leaf.Commit(salt, e); bytes.Equal(c, c0) {
		t.Error("re-encoding the data did not change the commitment")
	}
	// Another salt, another commitment: the log does not reveal equal events.
	if c, _ := leaf.Commit(bytes.Repeat([]byte{8}, leaf.SaltSize), base); bytes.Equal(c, c0) {
		t.Error("the salt does not change the commitment")
	}
	t.Logf("commitment %s", hex.EncodeToString(c0))
}

func TestCommitRefusesBadInput(t *testing.T) {
	t.Parallel()
	if _, err := leaf.Commit(salt[:3], leaf.Event{}); err == nil {
		t.Error("a short salt was accepted")
	}
}

func TestSaltsAreDistinct(t *testing.T) {
	t.Parallel()
	s := leaf.NewSalts(64)
	seen := map[string]bool{}
	for _, x := range s {
		if len(x) != leaf.SaltSize || seen[string(x)] {
			t.Fatalf("salt %x repeats or has the wrong size", x)
		}
		seen[string(x)] = true
	}
}

// TestCommitIsDeterministic: the same event and salt always give the same entry,
// whatever the strings hold.
func TestCommitIsDeterministic(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		e := leaf.Event{LogIndex: rapid.Int64Range(0, 1<<50).Draw(t, "i"), At: rapid.Int64Range(0, 1<<50).Draw(t, "at"),
			Type: rapid.String().Draw(t, "type"), NoticeID: rapid.String().Draw(t, "n"), OrgID: rapid.String().Draw(t, "o"),
			Data: rapid.String().Draw(t, "d"), CaseID: rapid.String().Draw(t, "c")}
		a, err := leaf.Commit(salt, e)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := leaf.Commit(salt, e)
		if !bytes.Equal(a, b) {
			t.Fatal("not deterministic")
		}
		// The document is RFC 8785 canonical JSON as written.
		c := leaf.Canonical(e)
		if got, err := receipt.Canonicalize(c); err != nil || !bytes.Equal(got, c) {
			t.Fatalf("not canonical: %s\nJCS:         %s (%v)", c, got, err)
		}
	})
}

func BenchmarkCommit(b *testing.B) {
	e := leaf.Event{LogIndex: 123456, At: 1795773600000, Type: "notice.received", NoticeID: "ntc_01jdq3v7k8m9n0p1q2r3s4t5v6",
		OrgID: "org_01jdq3v7k8m9n0p1q2r3s4t5v6", Data: `{"body_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","category":"terrorism","class":"urgent","due_at":"2026-11-27T14:00:00Z","kind":"order","receipt_sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","regime":"ID-PSE","subjects":1}`}
	salts := leaf.NewSalts(1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := leaf.Commit(salts[0], e); err != nil {
			b.Fatal(err)
		}
	}
}
