package i18n

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// messageFiles holds the catalogues as translators edit them: one folder a
// language, one YAML file a feature part (CONTRIBUTING.md, "Adding text").
//
//go:embed messages
var messageFiles embed.FS

// keyPattern is what a message key looks like: dotted lower-case words.
var keyPattern = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)*$`)

// Catalogue is a catalogue compiled into the binary, read on its first use
// rather than at start, so that a command that shows no text (sigap hash,
// sigap receipt verify) does not parse it. A fault in its files is a build
// mistake every test reports, so the first use panics on one.
type Catalogue struct {
	load func() map[string]map[string]string
}

// Embedded returns the Catalogue of the files in fsys (see Load).
func Embedded(fsys fs.FS) *Catalogue {
	return &Catalogue{load: sync.OnceValue(func() map[string]map[string]string {
		cats, err := Load(fsys)
		if err != nil {
			panic(err)
		}
		return cats
	})}
}

// Has reports whether lang's part of the catalogue holds key.
func (c *Catalogue) Has(lang, key string) bool {
	_, ok := c.load()[lang][key]
	return ok
}

// Text returns key's text in lang (Indonesian for an unknown language),
// formatted with args when there are any; ok is false when the catalogue
// lacks the key.
func (c *Catalogue) Text(lang, key string, args ...any) (text string, ok bool) {
	cats := c.load()
	cat, found := cats[lang]
	if !found {
		cat = cats[ID]
	}
	msg, ok := cat[key]
	if !ok || len(args) == 0 {
		return msg, ok
	}
	return fmt.Sprintf(msg, args...), true
}

// Load reads a catalogue from fsys, messages/<lang>/<part>.yaml for every
// language of Langs, into one map of key to text a language. It refuses a
// key defined twice (in one part or in two, rather than letting one win), a
// part or a key one language lacks, and a key whose texts differ in their
// fmt verbs, since T passes the same arguments in every language.
func Load(fsys fs.FS) (map[string]map[string]string, error) {
	parts, err := loadParts(fsys)
	if err != nil {
		return nil, err
	}
	if err := partsAgree(parts); err != nil {
		return nil, err
	}
	cats := make(map[string]map[string]string, len(parts))
	for lang, byPart := range parts {
		cat := map[string]string{}
		where := map[string]string{} // key → part, so a clash names both files
		// Parts in name order, so a clash is reported alike on every run.
		for _, name := range slices.Sorted(maps.Keys(byPart)) {
			for k, v := range byPart[name] {
				if other, ok := where[k]; ok {
					return nil, fmt.Errorf("i18n: %s: key %q is in both %s.yaml and %s.yaml", lang, k, other, name)
				}
				cat[k], where[k] = v, name
			}
		}
		cats[lang] = cat
	}
	return cats, nil
}

// verbPattern finds fmt's verbs, %% included, as Sprintf reads them; the
// space flag is left out, so a literal "% " in a text shown as it stands
// ("Roll-out (% of posts)") is not taken for one.
var verbPattern = regexp.MustCompile(`%(\[\d+\])?[-+#0]*(\d+|\*)?(\.(\d+|\*)?)?[a-zA-Z%]`)

// partsAgree holds every language to the first's parts, keys and verbs, so
// a translator finds a key in the same file in every folder, and a text
// takes the arguments its key is given.
func partsAgree(parts map[string]map[string]map[string]string) error {
	first := Langs[0]
	for _, lang := range Langs[1:] {
		for _, pair := range [][2]string{{first, lang}, {lang, first}} {
			a, b := pair[0], pair[1]
			for _, name := range slices.Sorted(maps.Keys(parts[a])) {
				if _, ok := parts[b][name]; !ok {
					return fmt.Errorf("i18n: messages/%s/%s.yaml has no messages/%s/%s.yaml", a, name, b, name)
				}
				for _, k := range slices.Sorted(maps.Keys(parts[a][name])) {
					if _, ok := parts[b][name][k]; !ok {
						return fmt.Errorf("i18n: key %q is in messages/%s/%s.yaml but not in messages/%s/%s.yaml", k, a, name, b, name)
					}
				}
			}
		}
		for name, part := range parts[first] {
			for k, text := range part {
				other := parts[lang][name][k]
				want, got := verbPattern.FindAllString(text, -1), verbPattern.FindAllString(other, -1)
				if !slices.Equal(got, want) || strings.Count(text, "%") != strings.Count(other, "%") {
					return fmt.Errorf("i18n: key %q: the verbs %q in %s, %q in %s (as many %% signs, the same verbs in the same order)", k, got, lang, want, first)
				}
			}
		}
	}
	return nil
}

// loadParts reads messages/<lang>/<part>.yaml for every supported language,
// keyed by language and then part name.
func loadParts(fsys fs.FS) (map[string]map[string]map[string]string, error) {
	dirs, err := fs.ReadDir(fsys, "messages")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() || !Valid(d.Name()) {
			return nil, fmt.Errorf("i18n: messages/%s is not a supported language's folder (%s)", d.Name(), strings.Join(Langs, ", "))
		}
	}
	out := map[string]map[string]map[string]string{}
	for _, lang := range Langs {
		dir := path.Join("messages", lang)
		files, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		out[lang] = map[string]map[string]string{}
		for _, f := range files {
			name, ok := strings.CutSuffix(f.Name(), ".yaml")
			if !ok || f.IsDir() {
				return nil, fmt.Errorf("i18n: %s/%s is not a .yaml catalogue file", dir, f.Name())
			}
			data, err := fs.ReadFile(fsys, path.Join(dir, f.Name()))
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			part, err := parsePart(data)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s/%s: %w", dir, f.Name(), err)
			}
			out[lang][name] = part
		}
		if len(out[lang]) == 0 {
			return nil, fmt.Errorf("i18n: %s holds no catalogue file", dir)
		}
	}
	return out, nil
}

// errPart is wrapped by every complaint about a part's content.
var errPart = errors.New("not a catalogue part")

// parsePart decodes one part: a single YAML mapping of message keys to
// texts, each key once, no nesting, aliases or empty texts.
func parsePart(data []byte) (map[string]string, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: %w", errPart, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: one YAML document only", errPart)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: want a mapping of keys to texts", errPart)
	}
	m := doc.Content[0]
	out := make(map[string]string, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || !keyPattern.MatchString(k.Value) {
			return nil, fmt.Errorf("%w: line %d: a key is dotted lower-case words, such as nav.dashboard", errPart, k.Line)
		}
		if _, ok := out[k.Value]; ok {
			return nil, fmt.Errorf("%w: line %d: key %q is defined twice", errPart, k.Line, k.Value)
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Value == "" {
			return nil, fmt.Errorf("%w: line %d: key %q wants a text", errPart, v.Line, k.Value)
		}
		out[k.Value] = v.Value
	}
	return out, nil
}
