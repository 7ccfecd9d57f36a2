package scan

import (
	"context"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/neardup"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/pdqindex"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/rulelist"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/textmatch"
	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/tmk"
	"github.com/sigap/sigap/internal/vpdq"
)

// setInfo is what a snapshot knows of a bank or list.
type setInfo struct {
	ID       string
	Name     string
	Family   string
	Kind     string
	Policy   string
	Language string
	Labels   []string
	Rollout  float64
	Category string // the notice category: the first label that is one, else "other"
}

// ref is one live entry in a snapshot.
type ref struct {
	entry       string
	typ         string
	value       string
	set         *setInfo
	quarantined bool
}

// snapshot is an immutable set of matchers built from every enabled bank
// and list at one generation. Scans Load the current one without locks.
type snapshot struct {
	gen     int64
	builtAt time.Time
	buildMS int64
	refs    []ref
	sets    map[string]*setInfo

	pdq                *pdqindex.Index // Entry.ID indexes refs
	vpdq               *vpdq.Index     // video ID indexes refs
	tmks               []tmkEntry      // compared one by one
	vpdqs              int
	exact              map[string][]int32 // "md5:<hex>" / "sha256:<hex>" -> refs
	text               *textmatch.Matcher // rule i -> textRefs[i]
	link               *linkmatch.Matcher // rule i -> linkRefs[i]
	near               *neardup.Index     // doc ID is the decimal ref index
	textRefs, linkRefs []int32
	skipped            int // stored rules that no longer compile (logged)
	// retroJob, on a snapshot of a few entries built for a retroactive
	// scan, is that scan's job; its hits are marked retroactive.
	retroJob string
}

// tmkEntry is a banked video's TMK features. Level 1 (a 256-value cosine)
// rules most of them out; level 2 runs on the rest. Each holds 263 KB, and
// a query costs about a microsecond per entry plus a level-2 comparison per
// near one, so a linear scan serves banks of thousands of TMK entries.
type tmkEntry struct {
	ref int32
	f   *tmk.Features
}

// emptySnapshot serves before the first build.
func emptySnapshot(opts neardup.Options) *snapshot {
	near, _ := neardup.New(opts)
	return &snapshot{sets: map[string]*setInfo{}, exact: map[string][]int32{}, near: near, vpdq: vpdq.NewIndex(vpdq.DefaultMatchOptions())}
}

// Stats describe a snapshot.
type Stats struct {
	Generation  int64     `json:"generation"`
	BuiltAt     time.Time `json:"built_at"`
	Entries     int       `json:"entries"`
	PDQ         int       `json:"pdq"`
	VPDQ        int       `json:"vpdq"`
	TMK         int       `json:"tmk"`
	Exact       int       `json:"exact"`
	TextRules   int       `json:"text_rules"`
	LinkRules   int       `json:"link_rules"`
	NearDup     int       `json:"near_duplicate_texts"`
	SkippedBad  int       `json:"skipped_rules"`
	BuildMillis int64     `json:"build_ms"`
}

func category(labels []string) string {
	for _, l := range labels {
		if slices.Contains(policy.Categories, l) {
			return l
		}
	}
	return "other"
}

// build reads every enabled bank and list and compiles the matchers. It runs
// off the hot path; scans keep using the previous snapshot meanwhile.
func build(ctx context.Context, db *store.DB, gen int64, opts neardup.Options, log *slog.Logger) (*snapshot, error) {
	sets, err := allSets(ctx, db)
	if err != nil {
		return nil, err
	}
	return compile(gen, sets, func(fn func(store.LiveEntry) error) error {
		if err := db.LiveFilterEntries(ctx, store.FamilyBank, fn); err != nil {
			return err
		}
		return db.LiveFilterEntries(ctx, store.FamilyList, fn)
	}, opts, log)
}

// allSets reads every bank and list.
func allSets(ctx context.Context, db *store.DB) ([]store.FilterSet, error) {
	var sets []store.FilterSet
	cursor := ""
	for {
		page, err := db.FilterSets(ctx, "", cursor, 500)
		if err != nil {
			return nil, err
		}
		sets = append(sets, page...)
		if len(page) < 500 {
			return sets, nil
		}
		cursor = page[len(page)-1].ID
	}
}

// compile builds a snapshot from sets and a stream of their live entries.
func compile(gen int64, sets []store.FilterSet, each func(func(store.LiveEntry) error) error, opts neardup.Options, log *slog.Logger) (*snapshot, error) {
	s := emptySnapshot(opts)
	s.gen = gen
	for _, fs := range sets {
		if !fs.Enabled {
			continue
		}
		s.sets[fs.ID] = &setInfo{ID: fs.ID, Name: fs.Name, Family: fs.Family, Kind: fs.Kind, Policy: fs.Policy,
			Language: fs.Language, Labels: fs.Labels, Rollout: fs.RolloutFraction, Category: category(fs.Labels)}
	}
	var pdqs []pdqindex.Entry
	var videos []vpdq.Video
	var textRules []textmatch.Rule
	var linkRules []linkmatch.Rule
	var nearTexts []string
	var nearRefs []int32
	add := func(e store.LiveEntry) error {
		set := s.sets[e.SetID]
		if set == nil {
			return nil
		}
		i := int32(len(s.refs))
		r := ref{entry: e.ID, typ: e.Type, value: e.Value, set: set, quarantined: e.Quarantined}
		switch e.Type {
		case bank.TypePDQ:
			h, err := pdq.ParseHex(e.Value)
			if err != nil {
				s.skipped++
				return nil
			}
			pdqs = append(pdqs, pdqindex.Entry{Hash: h, ID: uint64(i)})
			r.value = "" // the index holds the hash; keep the string out of memory at 10M entries
		case bank.TypeVPDQ:
			h, err := vpdq.Parse(e.Value)
			if err != nil {
				s.skipped++
				return nil
			}
			videos = append(videos, vpdq.Video{ID: uint64(i), Hash: h})
			r.value = ""
		case bank.TypeTMK:
			f, err := bank.ParseTMK(e.Value)
			if err != nil {
				s.skipped++
				return nil
			}
			s.tmks = append(s.tmks, tmkEntry{ref: i, f: f})
			r.value = ""
		case bank.TypeMD5, bank.TypeSHA256:
			k := e.Type + ":" + e.Value
			s.exact[k] = append(s.exact[k], i)
			r.value = ""
		case rulelist.KindKeyword, rulelist.KindRegex:
			k := textmatch.KindKeyword
			if e.Type == rulelist.KindRegex {
				k = textmatch.KindRegex
			}
			textRules = append(textRules, textmatch.Rule{ID: e.ID, Kind: k, Pattern: e.Value})
			s.textRefs = append(s.textRefs, i)
		case rulelist.TypeDomain, rulelist.TypeURL, rulelist.TypeChannel, rulelist.TypeMessage:
			linkRules = append(linkRules, linkmatch.Rule{ID: e.ID, Kind: rulelist.LinkKind(e.Type), Values: []string{e.Value}})
			s.linkRefs = append(s.linkRefs, i)
		case rulelist.KindText:
			nearTexts = append(nearTexts, e.Value)
			nearRefs = append(nearRefs, i)
			r.value = clip(e.Value, 120)
		default:
			s.skipped++
			return nil
		}
		s.refs = append(s.refs, r)
		return nil
	}
	if err := each(add); err != nil {
		return nil, err
	}
	s.pdq = pdqindex.Build(pdqs)
	var noFrames []uint64
	s.vpdq, noFrames = vpdq.BuildIndex(videos, vpdq.DefaultMatchOptions())
	s.vpdqs = len(videos) - len(noFrames)
	s.skipped += len(noFrames)
	var err error
	if s.text, s.textRefs, err = compileText(textRules, s.textRefs, log); err != nil {
		return nil, err
	}
	s.skipped += len(textRules) - s.text.Len()
	if s.link, s.linkRefs, err = compileLinks(linkRules, s.linkRefs, log); err != nil {
		return nil, err
	}
	s.skipped += len(linkRules) - s.link.Len()
	// Near-duplicate texts are normalised and indexed now; the neardup.Index
	// is never written after the snapshot is published.
	for k, i := range nearRefs {
		if err := s.near.Add(strconv.Itoa(int(i)), textnorm.Normalize(nearTexts[k])); err != nil && !errors.Is(err, neardup.ErrDuplicate) {
			s.skipped++
		}
	}
	s.builtAt = time.Now()
	return s, nil
}

// compileText compiles the text rules, leaving out any that no longer
// compiles on its own.
func compileText(rules []textmatch.Rule, refs []int32, log *slog.Logger) (*textmatch.Matcher, []int32, error) {
	return compileLeavingOut("text", rules, refs, textmatch.Compile, func(r textmatch.Rule) (string, error) {
		_, err := textmatch.Compile([]textmatch.Rule{r})
		return r.ID, err
	}, log)
}

// compileLinks compiles the link rules, leaving out any whose link no
// longer classifies.
func compileLinks(rules []linkmatch.Rule, refs []int32, log *slog.Logger) (*linkmatch.Matcher, []int32, error) {
	return compileLeavingOut("link", rules, refs, linkmatch.Compile, func(r linkmatch.Rule) (string, error) {
		_, _, err := rulelist.ClassifyLink(r.Values[0])
		return r.ID, err
	}, log)
}

// compileLeavingOut compiles rules; if any stored rule no longer compiles (a
// normaliser change), each rule check refuses is left out and logged rather
// than stopping every other rule. The refs returned are those of the rules
// kept; check returns a rule's ID for the log.
func compileLeavingOut[R, M any](kind string, rules []R, refs []int32, compile func([]R) (M, error), check func(R) (string, error), log *slog.Logger) (M, []int32, error) {
	m, err := compile(rules)
	if err == nil {
		return m, refs, nil
	}
	var okRules []R
	var okRefs []int32
	for i, r := range rules {
		if id, err := check(r); err != nil {
			log.Warn("scan: "+kind+" rule left out of the snapshot", "entry", id, "err", err)
			continue
		}
		okRules, okRefs = append(okRules, r), append(okRefs, refs[i])
	}
	m, err = compile(okRules)
	return m, okRefs, err
}

func (s *snapshot) stats() Stats {
	st := Stats{Generation: s.gen, BuiltAt: s.builtAt, Entries: len(s.refs), PDQ: s.pdq.Len(), VPDQ: s.vpdqs, TMK: len(s.tmks), NearDup: s.near.Len(), SkippedBad: s.skipped, BuildMillis: s.buildMS}
	for _, v := range s.exact {
		st.Exact += len(v)
	}
	if s.text != nil {
		st.TextRules = s.text.Len()
	}
	if s.link != nil {
		st.LinkRules = s.link.Len()
	}
	return st
}

func hexKey(typ string, sum []byte) string { return typ + ":" + hex.EncodeToString(sum) }

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
