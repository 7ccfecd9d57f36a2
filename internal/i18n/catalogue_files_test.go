package i18n

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// goodFS is a catalogue that loads; each case below spoils one thing.
func goodFS() fstest.MapFS {
	return fstest.MapFS{
		"messages/en/main.yaml": {Data: []byte("# A comment.\nnav.a: A\n\"yes\": \"yes\"\n")},
		"messages/id/main.yaml": {Data: []byte("nav.a: A-id\n\"yes\": ya\n")},
		"messages/en/more.yaml": {Data: []byte("more.b: '%d left'\n")},
		"messages/id/more.yaml": {Data: []byte("more.b: sisa %d\n")},
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	cats, err := Load(goodFS())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, key, want string }{
		{EN, "nav.a", "A"}, {EN, "yes", "yes"}, {EN, "more.b", "%d left"}, {ID, "yes", "ya"}, {ID, "more.b", "sisa %d"},
	} {
		if got := cats[tc.lang][tc.key]; got != tc.want {
			t.Errorf("%s %q = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
}

func TestLoadRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, data, want string
		also                   map[string]string // more files to spoil, beside file
	}{
		{"key twice in a part", "messages/en/main.yaml", "nav.a: A\nnav.a: B\n", `key "nav.a" is defined twice`, nil},
		{"key in two parts", "messages/en/more.yaml", "more.b: '%d left'\nnav.a: A again\n", `key "nav.a" is in both main.yaml and more.yaml`,
			map[string]string{"messages/id/more.yaml": "more.b: sisa %d\nnav.a: A lagi\n"}},
		{"nested value", "messages/en/more.yaml", "more.b:\n  c: d\n", "wants a text", nil},
		{"list value", "messages/en/more.yaml", "more.b: [a, b]\n", "wants a text", nil},
		{"null value", "messages/en/more.yaml", "more.b: ~\n", "wants a text", nil},
		{"empty value", "messages/en/more.yaml", "more.b:\n", "wants a text", nil},
		{"alias value", "messages/en/more.yaml", "more.a: &x A\nmore.b: *x\n", "wants a text", nil},
		{"merge key", "messages/en/more.yaml", "more.a: &x {c: d}\n<<: *x\n", "wants a text", nil},
		{"bad key", "messages/en/more.yaml", "More B: x\n", "a key is dotted lower-case words", nil},
		{"list key", "messages/en/more.yaml", "[a]: x\n", "a key is dotted lower-case words", nil},
		{"empty file", "messages/en/more.yaml", "", "not a catalogue part", nil},
		{"not a mapping", "messages/en/more.yaml", "- a\n- b\n", "want a mapping", nil},
		{"two documents", "messages/en/more.yaml", "more.b: x\n---\nmore.c: y\n", "one YAML document only", nil},
		{"malformed", "messages/en/more.yaml", "more.b: 'open\n", "not a catalogue part", nil},
		{"tab indent", "messages/en/more.yaml", "more.b:\n\tx\n", "not a catalogue part", nil},
		{"stray file", "messages/en/notes.txt", "hello", "is not a .yaml catalogue file", nil},
		{"key one language lacks", "messages/id/more.yaml", "more.c: sisa %d\n", `key "more.c" is in messages/id/more.yaml but not in messages/en/more.yaml`, nil},
		{"key the other language lacks", "messages/en/more.yaml", "more.b: '%d left'\nmore.c: x\n", `key "more.c" is in messages/en/more.yaml but not in messages/id/more.yaml`, nil},
		{"part one language lacks", "messages/en/extra.yaml", "extra.a: x\n", "messages/en/extra.yaml has no messages/id/extra.yaml", nil},
		{"verb differs", "messages/id/more.yaml", "more.b: sisa %s\n", `key "more.b": the verbs ["%d"] in en, ["%s"] in id`, nil},
		{"verb missing", "messages/id/more.yaml", "more.b: sisa\n", `key "more.b": the verbs ["%d"] in en, [] in id`, nil},
		{"verbs reordered", "messages/en/main.yaml", "nav.a: '%s %d'\n\"yes\": \"yes\"\n", `key "nav.a": the verbs ["%s" "%d"] in en, ["%d" "%s"] in id`,
			map[string]string{"messages/id/main.yaml": "nav.a: '%d %s'\n\"yes\": ya\n"}},
		{"percent signs differ", "messages/id/main.yaml", "nav.a: A-id\n\"yes\": ya (% a)\n", `key "yes"`, nil},
		{"unknown language", "messages/fr/main.yaml", "nav.a: A\n", "messages/fr is not a supported language's folder", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := goodFS()
			fsys[tc.file] = &fstest.MapFile{Data: []byte(tc.data)}
			for name, data := range tc.also {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			cats, err := Load(fsys)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load = %v, want an error saying %q", err, tc.want)
			}
			if cats != nil {
				t.Errorf("load returned catalogues beside its error")
			}
		})
	}
}

func TestLoadRefusesMissingLanguage(t *testing.T) {
	t.Parallel()
	fsys := goodFS()
	delete(fsys, "messages/id/main.yaml")
	delete(fsys, "messages/id/more.yaml")
	if _, err := Load(fsys); err == nil {
		t.Fatal("load of a catalogue without Indonesian succeeded")
	}
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Fatal("load of no catalogue succeeded")
	}
}

func TestParsePartErrors(t *testing.T) {
	t.Parallel()
	for _, data := range []string{"", "- a", "a: [b]", "a: 'b", strings.Repeat("[", 10000)} {
		if _, err := parsePart([]byte(data)); !errors.Is(err, errPart) {
			t.Errorf("parsePart(%.20q) = %v, want errPart", data, err)
		}
	}
}

// FuzzParsePart feeds parsePart hostile YAML: it must not panic, and what it
// accepts must be keys and texts as the loader promises.
func FuzzParsePart(f *testing.F) {
	for _, s := range []string{"nav.a: A\n", "\"yes\": \"yes\"\nno: 'no'\n", "a: &x b\nc: *x\n", "a: b\n---\nc: d\n", "a: |\n  two\n  lines\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		part, err := parsePart(data)
		if err != nil {
			if part != nil {
				t.Fatal("parsePart returned a part beside its error")
			}
			return
		}
		for k, v := range part {
			if !keyPattern.MatchString(k) || v == "" {
				t.Fatalf("parsePart accepted key %q with text %q", k, v)
			}
		}
	})
}

// BenchmarkLoad measures what reading the catalogue files costs, once, on the first text asked for.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(messageFiles); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkT measures a lookup, which is a map read as it was when the
// catalogues were Go maps.
func BenchmarkT(b *testing.B) {
	for b.Loop() {
		_ = T(ID, "nav.dashboard")
		_ = T(EN, "time.left", "3 h")
	}
}
