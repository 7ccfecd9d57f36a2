package scanstream

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/sigap/sigap/internal/scan"
	"github.com/sigap/sigap/internal/textnorm/testcorpus"
)

// TestDecodeMatchesEncodingJSON checks that the hand-written path gives what
// encoding/json gives, and that the cases it leaves alone still decode.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		fast bool // whether the hand-written path should take it
	}{
		{"plain", `{"channel":"berita","message_id":"42","text":"halo dunia","links":["https://a.example/x"]}`, true},
		{"number id", `{"channel":"berita","message_id":42,"text":"x"}`, true},
		{"number id with exponent", `{"channel":"berita","message_id":-4.2e+1}`, true},
		{"spaces and field order", " \n{ \"text\" : \"x\" ,\r\n\t\"channel\":\"c\" } \n", true},
		{"escapes", `{"text":"a\"b\\c\/d\b\f\n\r\t\u00e9\u0627\ud83d\ude00 end"}`, true},
		{"arabic and emoji raw", `{"text":"الجهاد 😀 jihad"}`, true},
		{"unknown fields skipped", `{"date":1700000000,"meta":{"a":[1,2.5,-3e2,true,false,null,{"b":"\u0041"}]},"text":"x"}`, true},
		{"empty links and media", `{"links":[],"media":[]}`, true},
		{"duplicate key: the last wins", `{"text":"a","text":"b"}`, true},
		{"empty object", `{}`, true},
		{"key in another case", `{"Text":"x"}`, false},
		{"kelvin sign folds to k", `{"lin\u212As":["x"]}`, false},
		{"non-ASCII key", `{"lin` + "\u212a" + `s":["x"]}`, false},
		{"what Go clients send", `{"channel":"c","message_id":"1","text":"x","links":null,"media":null}`, true},
		{"null keeps a string", `{"text":"a","text":null,"channel":null}`, true},
		{"null empties the id", `{"message_id":"5","message_id":null}`, true},
		{"null in links", `{"links":["a",null,"b"]}`, true},
		{"nul is not null", `{"text":nul}`, false},
		{"media item", `{"media":[{"sha256":"00"}]}`, false},
		{"lone surrogate", `{"text":"\ud83d x"}`, false},
		{"invalid utf-8 kept for the scan to refuse", "{\"text\":\"\xff\"}", true},
		{"invalid utf-8 with escapes", "{\"text\":\"\\n\xff\"}", true},
		{"invalid utf-8 in a skipped field", "{\"x\":\"\xff\",\"text\":\"a\"}", true},
		{"invalid utf-8 left to encoding/json", "{\"Text\":\"\xff\"}", false},
		{"control character", "{\"text\":\"a\x01b\"}", false},
		{"leading zero", `{"message_id":012}`, false},
		{"trailing garbage", `{"text":"x"} y`, false},
		{"two objects", "{\"text\":\"x\"}\n{\"text\":\"y\"}", false},
		{"not an object", `["x"]`, false},
		{"truncated", `{"text":"x"`, false},
		{"bool for a string", `{"text":true}`, false},
		{"bad literal", `{"x":nul}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var fast scan.Post
			if got := fastPost([]byte(tt.in), &fast); got != tt.fast {
				t.Errorf("fast path took it = %v, want %v", got, tt.fast)
			}
			checkAgainstJSON(t, []byte(tt.in))
		})
	}
}

// TestPlainStopsAtTheFirstSpecialByte checks the eight-bytes-at-a-time scan
// against a byte-by-byte one.
func TestPlainStopsAtTheFirstSpecialByte(t *testing.T) {
	t.Parallel()
	alphabet := []byte{'a', 'Z', ' ', '~', 0x7f, 0x80, 0xd8, 0xa7, 0xff, '"', '\\', 0x00, 0x1f, 0x20, '!', '#', '[', ']', '\n'}
	rapid.Check(t, func(t *rapid.T) {
		b := rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 40).Draw(t, "bytes")
		start := rapid.IntRange(0, len(b)).Draw(t, "start")
		want := start
		for want < len(b) && b[want] >= 0x20 && b[want] != '"' && b[want] != '\\' {
			want++
		}
		d := lexer{b: b, i: start}
		d.plain()
		if d.i != want {
			t.Fatalf("plain(%q from %d) stopped at %d, want %d", b, start, d.i, want)
		}
	})
}

func TestDecodeRefusesLargeMessages(t *testing.T) {
	t.Parallel()
	var p scan.Post
	if err := decode([]byte(`{"text":"0123456789"}`), 10, &p); err == nil {
		t.Fatal("a message over the limit decoded")
	}
}

// checkAgainstJSON fails if the fast path or decode disagree with
// encoding/json. The one allowed difference is invalid UTF-8, which
// encoding/json replaces with U+FFFD: decode then either refuses the message
// or gives a post with a field the scan refuses.
func checkAgainstJSON(t *testing.T, data []byte) {
	t.Helper()
	var want scan.Post
	werr := json.Unmarshal(data, &want)
	valid := utf8.Valid(data)
	var fast scan.Post
	if fastPost(data, &fast) {
		if werr != nil {
			t.Fatalf("fast path accepted %q, which encoding/json refuses: %v", data, werr)
		}
		if !reflect.DeepEqual(fast, want) && (valid || !refusedByScan(fast)) {
			t.Fatalf("fast path on %q = %#v, encoding/json = %#v", data, fast, want)
		}
	}
	var got scan.Post
	gerr := decode(data, 1<<20, &got)
	switch {
	case gerr != nil && werr == nil && valid:
		t.Fatalf("decode(%q) error = %v, encoding/json took it", data, gerr)
	case gerr != nil && !errors.Is(gerr, errMalformed):
		t.Fatalf("decode(%q) error = %v, not errMalformed", data, gerr)
	case gerr == nil && werr != nil:
		t.Fatalf("decode(%q) took it, encoding/json error = %v", data, werr)
	case gerr == nil && !reflect.DeepEqual(got, want) && (valid || !refusedByScan(got)):
		t.Fatalf("decode(%q) = %#v, encoding/json = %#v", data, got, want)
	}
}

// refusedByScan reports whether a field the scan reads holds invalid UTF-8
// (Scanner.Scan checks each one).
func refusedByScan(p scan.Post) bool {
	if !utf8.ValidString(p.Channel) || !utf8.ValidString(string(p.MessageID)) || !utf8.ValidString(p.Text) {
		return true
	}
	for _, l := range p.Links {
		if !utf8.ValidString(l) {
			return true
		}
	}
	return false
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"channel":"berita","message_id":"42","text":"halo dunia","links":["https://a.example/x"]}`))
	f.Add([]byte(`{"message_id":7,"text":"a\"b\u00e9\ud83d\ude00","media":[],"x":{"y":[1,true,null]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstJSON(t, data)
	})
}

// BenchmarkDecode compares decode with encoding/json on posts like the scan
// benchmark's (1 KB of mixed Indonesian, English and Arabic text, two links).
func BenchmarkDecode(b *testing.B) {
	g := testcorpus.New(11)
	bodies := make([][]byte, 100)
	size := 0
	for i := range bodies {
		bodies[i], _ = json.Marshal(scan.Post{Channel: "chan7", MessageID: scan.FlexString(fmt.Sprint(i + 1)), Text: g.Post(1000),
			Links: []string{fmt.Sprintf("https://news-%d.example/a/%d", i%50, i), "https://t.me/somechannel/5"}})
		size += len(bodies[i])
	}
	b.Run("decode", func(b *testing.B) {
		b.SetBytes(int64(size / len(bodies)))
		for i := 0; b.Loop(); i++ {
			var p scan.Post
			if err := decode(bodies[i%len(bodies)], 1<<20, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(size / len(bodies)))
		for i := 0; b.Loop(); i++ {
			var p scan.Post
			if err := json.Unmarshal(bodies[i%len(bodies)], &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
