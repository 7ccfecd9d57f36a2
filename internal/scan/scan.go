package scan

import (
	"cmp"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/intake"
	"github.com/sigap/sigap/internal/linkmatch"
	"github.com/sigap/sigap/internal/neardup"
	"github.com/sigap/sigap/internal/pdq"
	"github.com/sigap/sigap/internal/pdqindex"
	"github.com/sigap/sigap/internal/splitmix"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textmatch"
	"github.com/sigap/sigap/internal/textnorm"
	"github.com/sigap/sigap/internal/tmk"
	"github.com/sigap/sigap/internal/video"
	"github.com/sigap/sigap/internal/vpdq"
)

// Config tunes a Scanner. Zero fields take the defaults.
type Config struct {
	// MaxDistance is the PDQ match threshold (default 31).
	MaxDistance int
	// MinQuality: PDQ hashes of lower quality are not matched (default 50).
	MinQuality int
	// DailyCap is the circuit breaker: automated notices per bank or list per UTC day (default 1000).
	DailyCap int
	// FloodMin and FloodFactor are the flood guard: an entry is quarantined
	// when its hits in the last hour exceed both FloodMin (default 100) and
	// FloodFactor (default 10) times its hourly average over the week before.
	FloodMin    int
	FloodFactor float64
	// PollInterval is how often the database generation is checked (default 2s).
	PollInterval time.Duration
	// MaxTextBytes bounds a post's text (default 1 MiB).
	MaxTextBytes int
	// Image bounds decoding of media bytes.
	Image pdq.Limits
	// NearDup configures near-duplicate matching (defaults: 128 hashes, 32 bands, 0.8 similarity, 3-word shingles).
	NearDup neardup.Options

	// Video: where ffmpeg is and how far one run may go (internal/video's
	// defaults), the limits on one uploaded video, and the thresholds of
	// video hits. VPDQQueryPercent (default 80) and VPDQComparedPercent
	// (default 0) are the reference index's: a banked video matches when at
	// least that share of the query's frames, and of its own, match
	// (frame distance <= MaxDistance, quality >= MinQuality). TMK is the
	// reference's two-level thresholds (0.7 and 0.7).
	Video               video.Config
	VideoLimits         VideoLimits
	VPDQQueryPercent    float64
	VPDQComparedPercent float64
	TMK                 tmk.Thresholds
	// MaxDecodes bounds the images and videos decoded at once by this
	// scanner (default 2); others wait their turn.
	MaxDecodes int
}

func (c Config) withDefaults() Config {
	c.MaxDistance = cmp.Or(c.MaxDistance, pdq.MatchThreshold)
	c.MinQuality = cmp.Or(c.MinQuality, pdq.QualityThreshold)
	c.DailyCap = cmp.Or(c.DailyCap, 1000)
	c.FloodMin = cmp.Or(c.FloodMin, 100)
	c.FloodFactor = cmp.Or(c.FloodFactor, 10)
	c.PollInterval = cmp.Or(c.PollInterval, 2*time.Second)
	c.MaxTextBytes = cmp.Or(c.MaxTextBytes, 1<<20)
	c.Image.MaxBytes = cmp.Or(c.Image.MaxBytes, 6<<20)
	c.VideoLimits = c.VideoLimits.withDefaults()
	if c.VPDQQueryPercent <= 0 {
		c.VPDQQueryPercent = vpdq.DefaultQueryMatchPercent
	}
	if c.VPDQComparedPercent <= 0 {
		c.VPDQComparedPercent = vpdq.DefaultIndexMatchPercent
	}
	if c.TMK == (tmk.Thresholds{}) {
		c.TMK = tmk.DefaultThresholds()
	}
	c.MaxDecodes = cmp.Or(c.MaxDecodes, DefaultMaxDecodes)
	return c
}

// Limits on a post.
const (
	MaxLinks = 256
	MaxMedia = 16
)

// ErrTextTooLarge is a post whose text exceeds MaxTextBytes; the API answers 413.
var ErrTextTooLarge = errors.New("scan: post text too large")

// Scanner matches posts against every enabled bank and list and acts on
// the hits. It is safe for concurrent use: any number of goroutines (HTTP
// handlers, stream workers) call Scan while Run swaps in new snapshots.
type Scanner struct {
	db     *store.DB
	intake *intake.Service
	clock  clock.Clock
	log    *slog.Logger
	cfg    Config

	snap    atomic.Pointer[snapshot]
	kick    chan struct{}
	decodes chan struct{} // semaphore of MaxDecodes slots
	buildMu sync.Mutex

	orgMu       sync.Mutex
	platformOrg string

	// filed are told of each notice a scan files (retro.go); set before scanning.
	filed []FiledHook
}

// New returns a Scanner serving an empty snapshot; call Reload (or Run) to load the banks and lists.
func New(db *store.DB, in *intake.Service, clk clock.Clock, log *slog.Logger, cfg Config) *Scanner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if clk == nil {
		clk = clock.System{}
	}
	s := &Scanner{db: db, intake: in, clock: clk, log: log, cfg: cfg.withDefaults(), kick: make(chan struct{}, 1)}
	s.decodes = make(chan struct{}, s.cfg.MaxDecodes)
	s.snap.Store(emptySnapshot(s.cfg.NearDup))
	return s
}

// Config returns the configuration in effect.
func (s *Scanner) Config() Config { return s.cfg }

// Invalidate asks Run to rebuild now (banks or lists changed in this
// process); it never blocks. Other processes see the change at their next poll.
func (s *Scanner) Invalidate() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Reload rebuilds the snapshot if the database generation moved (or force)
// and swaps it in.
func (s *Scanner) Reload(ctx context.Context, force bool) error {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	gen, err := s.db.FilterGeneration(ctx)
	if err != nil {
		return err
	}
	if !force && gen == s.snap.Load().gen {
		return nil
	}
	start := time.Now()
	snap, err := build(ctx, s.db, gen, s.cfg.NearDup, s.log)
	if err != nil {
		return fmt.Errorf("scan: build snapshot: %w", err)
	}
	snap.buildMS = time.Since(start).Milliseconds()
	s.snap.Store(snap)
	st := snap.stats()
	s.log.Info("scan: matcher snapshot swapped in", "generation", gen, "entries", st.Entries, "pdq", st.PDQ, "text_rules", st.TextRules,
		"link_rules", st.LinkRules, "near_duplicate_texts", st.NearDup, "skipped", st.SkippedBad, "took", time.Since(start))
	return nil
}

// Run keeps the snapshot current until ctx ends: it rebuilds when
// Invalidate is called and when the database generation (bumped by every
// change, in any process) moves, checked every PollInterval. Changes thus
// take effect within PollInterval plus one build.
func (s *Scanner) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.PollInterval)
	defer t.Stop()
	for {
		if err := s.Reload(ctx, false); err != nil && ctx.Err() == nil {
			s.log.Warn("scan: snapshot rebuild failed; still serving the previous one", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
		}
	}
}

// Stats describes the snapshot in use.
func (s *Scanner) Stats() Stats { return s.snap.Load().stats() }

// FlexString is a JSON string that also accepts a number (message IDs).
type FlexString string

// UnmarshalJSON accepts "123" or 123.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = FlexString(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*f = FlexString(s)
	return nil
}

// Post is one public post to scan.
type Post struct {
	Channel   string     `json:"channel"`
	MessageID FlexString `json:"message_id"`
	Text      string     `json:"text"`
	Links     []string   `json:"links"`
	Media     []Media    `json:"media"`
}

// Media is an image or video of a post, as bytes (either kind: the bytes
// say which) or as a hash already computed.
type Media struct {
	Data    []byte `json:"data,omitempty"`
	PDQ     string `json:"pdq,omitempty"`
	Quality *int   `json:"quality,omitempty"`
	MD5     string `json:"md5,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	VPDQ    string `json:"vpdq,omitempty"` // a video's vPDQ hash in any of the reference's text forms
}

// MediaInfo is what the scan learned of one media item.
type MediaInfo struct {
	Index   int    `json:"index"`
	PDQ     string `json:"pdq,omitempty"`
	Quality *int   `json:"quality,omitempty"`
	MD5     string `json:"md5,omitempty"`
	SHA256  string `json:"sha256,omitempty"`
	// PDQSkipped says why the PDQ hash was not matched ("low_quality").
	PDQSkipped string `json:"pdq_skipped,omitempty"`
	// Kind is "video" for a video (uploaded or as vpdq), else empty.
	Kind string `json:"kind,omitempty"`
	// Frames is how many frames the video's vPDQ hash has.
	Frames int `json:"frames,omitempty"`

	vpdq vpdq.Hash // kept with the post for the removed-content bank
}

// Hit is one bank entry or rule that matched.
type Hit struct {
	Matcher    string  `json:"matcher"`
	List       string  `json:"list"`
	ListName   string  `json:"list_name"`
	Entry      string  `json:"entry"`
	Value      string  `json:"value,omitempty"`
	Matched    string  `json:"matched,omitempty"`
	Distance   int     `json:"distance"`
	Similarity float64 `json:"similarity,omitempty"`
	// QueryMatchPercent and ComparedMatchPercent (matcher vpdq) are the
	// shares of the posted video's and the banked video's frames that
	// match; Score (matcher tmk) is the TMK level-2 score. Distance is then
	// 100 minus the query percentage, or 100 times one minus the score.
	QueryMatchPercent    *float64 `json:"query_match_percent,omitempty"`
	ComparedMatchPercent *float64 `json:"compared_match_percent,omitempty"`
	Score                *float64 `json:"score,omitempty"`
	Media                *int     `json:"media,omitempty"`
	Policy               string   `json:"policy"`
	Outcome              string   `json:"outcome,omitempty"`
	Reason               string   `json:"reason,omitempty"`
	// Retroactive marks a hit found by a retroactive scan of posts made
	// before the entry existed (package retro).
	Retroactive bool `json:"retroactive,omitempty"`

	ref int32
}

// NoticeRef is an automated notice the scan filed (or had filed before for the same post).
type NoticeRef struct {
	ID              string `json:"id"`
	List            string `json:"list"`
	CaseID          string `json:"case_id,omitempty"`
	NewCase         bool   `json:"new_case"`
	RequestedAction string `json:"requested_action"`
	Status          string `json:"status"`
	DueAt           string `json:"due_at,omitempty"`
	Repeat          bool   `json:"repeat,omitempty"`
}

// ActionRef is an automated action recorded for delivery by the enforcement side.
type ActionRef struct {
	ID     string `json:"id"`
	List   string `json:"list"`
	Notice string `json:"notice"`
	CaseID string `json:"case_id,omitempty"`
	Action string `json:"action"`
	State  string `json:"state"`
	Note   string `json:"note"`
}

// Result is the answer to a scan.
type Result struct {
	Post       string      `json:"post"`
	Hits       []Hit       `json:"hits"`
	Notices    []NoticeRef `json:"notices"`
	Actions    []ActionRef `json:"actions"`
	Media      []MediaInfo `json:"media,omitempty"`
	Generation int64       `json:"generation"`
}

var hexDigits = func() (t [256]bool) {
	for _, c := range "0123456789abcdefABCDEF" {
		t[c] = true
	}
	return
}()

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !hexDigits[s[i]] {
			return false
		}
	}
	return true
}

// validPost is a checked post.
type validPost struct {
	post    string // canonical subject
	url     string
	channel string
	msgID   string
	text    string // kept with the automated notices it leads to (store.ScanPost)
	// postedAt, for a retroactive scan, is when the post was made: its hits
	// are recorded at that time, so the flood guard counts them in the hour
	// they happened rather than all in the hour of the scan.
	postedAt time.Time
}

// Validate checks a post and returns a *notice.ValidationError naming each
// bad field, or ErrTextTooLarge.
func (s *Scanner) validate(p *Post) (validPost, error) {
	var v filterset.Validator
	var vp validPost
	if len(p.Text) > s.cfg.MaxTextBytes {
		return vp, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTextTooLarge, len(p.Text), s.cfg.MaxTextBytes)
	}
	vp.text = p.Text
	ch := strings.TrimPrefix(strings.TrimSpace(p.Channel), "@")
	mid := strings.TrimSpace(string(p.MessageID))
	switch {
	case ch == "":
		v.Add("channel", "required", "channel is required: the public channel's username")
	case mid == "":
		v.Add("message_id", "required", "message_id is required")
	default:
		if _, err := strconv.ParseUint(mid, 10, 63); err != nil {
			v.Add("message_id", "invalid", "message_id must be a positive whole number")
			break
		}
		vp.url = "https://t.me/" + ch + "/" + mid
		sub, err := subject.Parse(vp.url)
		if err != nil || sub.Kind != subject.KindTelegramMessage {
			v.Add("channel", "invalid", "channel must be a public Telegram username (5 to 32 letters, digits and underscores)")
			break
		}
		vp.post, vp.channel, vp.msgID = sub.Canonical, sub.Channel, mid
	}
	if !utf8.ValidString(p.Text) {
		v.Add("text", "invalid_utf8", "text is not valid UTF-8")
	}
	if len(p.Links) > MaxLinks {
		v.Add("links", "too_many", fmt.Sprintf("at most %d links", MaxLinks))
	}
	for i, l := range p.Links {
		if len(l) > subject.MaxLen || !utf8.ValidString(l) {
			v.Add(fmt.Sprintf("links[%d]", i), "invalid", fmt.Sprintf("a link is valid UTF-8 of at most %d bytes", subject.MaxLen))
		}
	}
	if len(p.Media) > MaxMedia {
		v.Add("media", "too_many", fmt.Sprintf("at most %d media items", MaxMedia))
	}
	for i, m := range p.Media {
		f := fmt.Sprintf("media[%d]", i)
		n := 0
		for _, set := range []bool{len(m.Data) > 0, m.PDQ != "", m.MD5 != "", m.SHA256 != "", m.VPDQ != ""} {
			if set {
				n++
			}
		}
		if n == 0 {
			v.Add(f, "required", "a media item has one of data (base64 image or video bytes), pdq, vpdq, sha256 or md5")
		}
		if len(m.Data) > 0 && n > 1 {
			v.Add(f, "invalid", "send either data or hashes, not both")
		}
		if m.PDQ != "" && !isHex(m.PDQ, pdq.HexLen) {
			v.Add(f+".pdq", "bad_hex", "pdq must be 64 hexadecimal digits")
		}
		if m.MD5 != "" && !isHex(m.MD5, 32) {
			v.Add(f+".md5", "bad_hex", "md5 must be 32 hexadecimal digits")
		}
		if m.SHA256 != "" && !isHex(m.SHA256, 64) {
			v.Add(f+".sha256", "bad_hex", "sha256 must be 64 hexadecimal digits")
		}
		if m.VPDQ != "" {
			if m.PDQ != "" {
				v.Add(f, "invalid", "send either pdq (an image) or vpdq (a video), not both")
			}
			if _, err := vpdq.Parse(m.VPDQ); err != nil {
				v.Add(f+".vpdq", "invalid", "vpdq must be lines frame_number,quality,pdq_hex,timestamp_seconds: "+err.Error())
			}
		}
		if m.Quality != nil && (*m.Quality < 0 || *m.Quality > 100) {
			v.Add(f+".quality", "out_of_range", "quality is from 0 to 100")
		}
	}
	return vp, v.Err()
}

// ImageError wraps an image that cannot be hashed (corrupt, too large, a decompression bomb).
type ImageError struct {
	Index int
	Err   error
}

func (e *ImageError) Error() string { return fmt.Sprintf("media[%d]: %v", e.Index, e.Err) }
func (e *ImageError) Unwrap() error { return e.Err }

// HashImage hashes image bytes within lim: PDQ with quality, MD5 and SHA-256.
func HashImage(data []byte, lim pdq.Limits) (MediaInfo, error) {
	m5, s256 := md5.Sum(data), sha256.Sum256(data)
	info := MediaInfo{MD5: hex.EncodeToString(m5[:]), SHA256: hex.EncodeToString(s256[:])}
	img, _, err := pdq.DecodeBytes(data, lim)
	if err != nil {
		return info, err
	}
	res, err := pdq.FromImage(img)
	if err != nil {
		return info, err
	}
	q := res.Quality
	info.PDQ, info.Quality = res.Hash.String(), &q
	return info, nil
}

// scratch holds per-scan buffers, pooled so the hot path does not allocate them.
type scratch struct {
	norm  []byte
	text  []textmatch.Hit
	link  []linkmatch.Hit
	pdq   []pdqindex.Match
	near  []neardup.Match
	hits  []Hit
	links []string
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Scan matches a post against the current snapshot and acts on the hits:
// they are recorded (once per post, entry and matcher, so a redelivered post
// is not counted twice), and for review and auto_action sets an automated
// notice is filed through intake, under the circuit breaker and flood
// guard. It returns once everything is stored: a stream worker acknowledges
// the post after Scan returns nil. A post without hits touches no database.
func (s *Scanner) Scan(ctx context.Context, p Post) (Result, error) {
	vp, err := s.validate(&p)
	if err != nil {
		return Result{}, err
	}
	return s.scanWith(ctx, s.snap.Load(), vp, p)
}

// scanWith is Scan on one snapshot: the live one, or a retroactive scan's (retro.go).
func (s *Scanner) scanWith(ctx context.Context, snap *snapshot, vp validPost, p Post) (Result, error) {
	res := Result{Post: vp.post, Generation: snap.gen, Hits: []Hit{}, Notices: []NoticeRef{}, Actions: []ActionRef{}}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	hashed, err := s.hashMedia(ctx, snap, &p)
	if err != nil {
		return Result{}, err
	}
	hits, media, err := s.match(snap, &p, vp.post, sc, hashed)
	if err != nil {
		return Result{}, err
	}
	res.Media = media
	if len(hits) == 0 {
		return res, nil
	}
	res.Hits = append(res.Hits, hits...)
	for i := range res.Hits {
		res.Hits[i].Retroactive = snap.retroJob != ""
	}
	if err := s.act(ctx, snap, vp, media, &res); err != nil {
		return Result{}, err
	}
	return res, nil
}

// applies reports whether a set with a roll-out fraction below 1 applies to
// this post: a deterministic hash of set and post, so a post gets the same
// answer every time and the fraction of posts covered grows smoothly.
func applies(set *setInfo, post string) bool {
	if set.Rollout >= 1 {
		return true
	}
	if set.Rollout <= 0 {
		return false
	}
	h := fnv.New64a()
	h.Write([]byte(set.ID))
	h.Write([]byte{0})
	h.Write([]byte(post))
	// FNV's high bits barely move when only the last bytes differ (post
	// numbers); a splitmix64 finaliser spreads them.
	x := splitmix.Mix64(h.Sum64())
	return float64(x>>11)/float64(1<<53) < set.Rollout
}

// match runs every matcher; it touches no database.
func (s *Scanner) match(snap *snapshot, p *Post, post string, sc *scratch, hashed []*hashedMedia) ([]Hit, []MediaInfo, error) {
	sc.hits = sc.hits[:0]
	add := func(h Hit) {
		r := &snap.refs[h.ref]
		if !applies(r.set, post) {
			return
		}
		// One hit per entry and matcher: keep the closest.
		for i := range sc.hits {
			if sc.hits[i].ref == h.ref && sc.hits[i].Matcher == h.Matcher {
				if h.Distance < sc.hits[i].Distance {
					sc.hits[i].Distance, sc.hits[i].Matched, sc.hits[i].Media = h.Distance, h.Matched, h.Media
					sc.hits[i].QueryMatchPercent, sc.hits[i].ComparedMatchPercent, sc.hits[i].Score = h.QueryMatchPercent, h.ComparedMatchPercent, h.Score
				}
				return
			}
		}
		h.List, h.ListName, h.Entry, h.Policy = r.set.ID, r.set.Name, r.entry, r.set.Policy
		if h.Value == "" {
			h.Value = r.value
		}
		sc.hits = append(sc.hits, h)
	}
	if p.Text != "" {
		sc.norm = textnorm.AppendString(sc.norm[:0], p.Text)
		if snap.text != nil && snap.text.Len() > 0 {
			sc.text = snap.text.Match(sc.norm, sc.text[:0])
			for _, th := range sc.text {
				ref := snap.textRefs[th.Rule]
				m := "keyword"
				if snap.text.Rule(th.Rule).Kind == textmatch.KindRegex {
					m = "regex"
				}
				add(Hit{Matcher: m, Matched: clip(string(sc.norm[th.Start:th.End]), 200), ref: ref})
			}
		}
		if snap.near.Len() > 0 && len(sc.norm) > 0 {
			sc.near = snap.near.Query(string(sc.norm), sc.near[:0])
			for _, nm := range sc.near {
				i, err := strconv.Atoi(nm.ID)
				if err != nil {
					continue
				}
				add(Hit{Matcher: "near_duplicate", Similarity: math.Round(nm.Similarity*1000) / 1000,
					Distance: int(math.Round((1 - nm.Similarity) * 100)), ref: int32(i)})
			}
		}
	}
	if snap.link != nil && snap.link.Len() > 0 {
		sc.link = sc.link[:0]
		if p.Text != "" {
			sc.link = snap.link.MatchText(p.Text, sc.link)
		}
		for _, l := range p.Links {
			sc.link = snap.link.MatchLink(l, sc.link)
		}
		for _, lh := range sc.link {
			add(Hit{Matcher: "link", Matched: lh.Link, ref: snap.linkRefs[lh.Rule]})
		}
	}
	var media []MediaInfo
	for i, m := range p.Media {
		idx := i
		info := MediaInfo{Index: i, PDQ: strings.ToLower(m.PDQ), Quality: m.Quality, MD5: strings.ToLower(m.MD5), SHA256: strings.ToLower(m.SHA256)}
		var tf *tmk.Features
		if i < len(hashed) && hashed[i] != nil {
			info, tf = hashed[i].info, hashed[i].tmk
			info.Index = i
		} else if len(m.Data) > 0 {
			hi, err := HashImage(m.Data, s.cfg.Image)
			if err != nil {
				return nil, nil, &ImageError{Index: i, Err: err}
			}
			hi.Index = i
			info = hi
		}
		if info.vpdq != nil {
			for _, vm := range snap.vpdq.Query(info.vpdq, s.cfg.VPDQQueryPercent) {
				if vm.ComparedPercent < s.cfg.VPDQComparedPercent {
					continue
				}
				add(Hit{Matcher: bank.TypeVPDQ, Distance: int(math.Round(100 - vm.QueryPercent)), Media: &idx,
					QueryMatchPercent: vpdqPercent(vm.QueryPercent), ComparedMatchPercent: vpdqPercent(vm.ComparedPercent),
					Value: "", ref: int32(vm.ID)})
			}
		}
		if tf != nil {
			for _, te := range snap.tmks {
				ts, err := tmk.Compare(tf, te.f, s.cfg.TMK)
				if err != nil || !ts.Match {
					continue
				}
				score := math.Round(ts.Level2*1000) / 1000
				add(Hit{Matcher: bank.TypeTMK, Distance: int(math.Round((1 - ts.Level2) * 100)), Media: &idx, Score: &score, ref: te.ref})
			}
		}
		if info.PDQ != "" {
			if info.Quality != nil && *info.Quality < s.cfg.MinQuality {
				info.PDQSkipped = "low_quality"
			} else if h, err := pdq.ParseHex(info.PDQ); err == nil {
				sc.pdq = snap.pdq.Search(h, s.cfg.MaxDistance, sc.pdq[:0])
				for _, pm := range sc.pdq {
					add(Hit{Matcher: "pdq", Distance: pm.Distance, Media: &idx, Value: info.PDQ, ref: int32(pm.ID)})
				}
			}
		}
		for _, k := range [][2]string{{bank.TypeMD5, info.MD5}, {bank.TypeSHA256, info.SHA256}} {
			if k[1] == "" {
				continue
			}
			for _, ref := range snap.exact[k[0]+":"+k[1]] {
				add(Hit{Matcher: k[0], Media: &idx, Value: k[1], ref: ref})
			}
		}
		media = append(media, info)
	}
	out := make([]Hit, len(sc.hits))
	copy(out, sc.hits)
	return out, media, nil
}

// MatchQuery is a hash lookup without a post.
type MatchQuery struct {
	PDQ         string
	Quality     *int
	MD5, SHA256 string
	VPDQ        vpdq.Hash // a video's vPDQ, matched as a scan matches it
	MaxDistance int       // 0: the configured default
}

// Match looks hashes up in every enabled bank (ignoring roll-out, which is
// for scans), and returns every entry hit with its distance. It records nothing.
func (s *Scanner) Match(q MatchQuery) ([]Hit, string) {
	snap := s.snap.Load()
	d := s.cfg.MaxDistance
	if q.MaxDistance > 0 {
		d = q.MaxDistance
	}
	hits := []Hit{}
	emit := func(h Hit) {
		r := &snap.refs[h.ref]
		h.List, h.ListName, h.Entry, h.Policy = r.set.ID, r.set.Name, r.entry, r.set.Policy
		if r.quarantined {
			h.Reason = "entry quarantined by the flood guard"
		}
		hits = append(hits, h)
	}
	skipped := ""
	if q.PDQ != "" {
		if q.Quality != nil && *q.Quality < s.cfg.MinQuality {
			skipped = "low_quality"
		} else if h, err := pdq.ParseHex(q.PDQ); err == nil {
			for _, pm := range snap.pdq.Search(h, d, nil) {
				emit(Hit{Matcher: "pdq", Distance: pm.Distance, Value: strings.ToLower(q.PDQ), ref: int32(pm.ID)})
			}
		}
	}
	if q.VPDQ != nil {
		for _, vm := range snap.vpdq.Query(q.VPDQ, s.cfg.VPDQQueryPercent) {
			if vm.ComparedPercent >= s.cfg.VPDQComparedPercent {
				emit(Hit{Matcher: bank.TypeVPDQ, Distance: int(math.Round(100 - vm.QueryPercent)),
					QueryMatchPercent: vpdqPercent(vm.QueryPercent), ComparedMatchPercent: vpdqPercent(vm.ComparedPercent), ref: int32(vm.ID)})
			}
		}
	}
	for _, k := range [][2]string{{bank.TypeMD5, strings.ToLower(q.MD5)}, {bank.TypeSHA256, strings.ToLower(q.SHA256)}} {
		if k[1] == "" {
			continue
		}
		for _, ref := range snap.exact[k[0]+":"+k[1]] {
			emit(Hit{Matcher: k[0], Value: k[1], ref: ref})
		}
	}
	return hits, skipped
}
