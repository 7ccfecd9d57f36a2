package feed

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/store"
)

// Formats of hash lists kept current from a URL.
const (
	// FormatTCAP is Tech Against Terrorism's TCAP hash-list API (v2):
	// feed_url is its .../hash-list/v2/<ideology> address and token the JWT
	// it answers to; pages of results (hash_digest, algorithm, deleted) are
	// read after a checkpoint ("<UTC>,<id>") the API hands back.
	FormatTCAP = "tcap"
	// FormatHashList is a whole hash list at a URL, fetched again when it
	// changed (ETag, Last-Modified): lines "<signal type> <signal>" as
	// python-threatexchange's file exchange (HMA) reads them, a CSV file with
	// a header (GIFCT-style exports: hash, hash_type and label columns), or a
	// JSON array of such records (the TCAP hash-list file). What the list no
	// longer holds is removed from the copy.
	FormatHashList = "hashlist"
)

// MaxListBytes bounds a whole hash list a subscriber reads: a million PDQ
// lines with their labels fit several times over.
const MaxListBytes = 256 << 20

// listTypes maps the signal types of the lists' dialects to a bank's entry
// types; others are kept as named and skipped (and counted) by the bank.
var listTypes = map[string]string{
	"pdq": bank.TypePDQ, "hash_pdq": bank.TypePDQ,
	"md5": bank.TypeMD5, "video_md5": bank.TypeMD5, "hash_md5": bank.TypeMD5,
	"sha256": bank.TypeSHA256, "sha-256": bank.TypeSHA256, "hash_sha256": bank.TypeSHA256,
	"vpdq": bank.TypeVPDQ, "tmk": bank.TypeTMK,
}

// ListEntry is one hash of a list, whatever its dialect; Deleted marks a
// record (TCAP's) that withdraws its hash.
type ListEntry struct {
	Type, Value, Labels string
	Deleted             bool
}

// key is the entry's source ID in the copy: a list names hashes, not
// entries, so the same hash is the same entry from one fetch to the next.
func (e ListEntry) key() string { return e.Type + ":" + strings.ToLower(e.Value) }

func (e ListEntry) event(format string, at time.Time) Event {
	src := format + " " + e.Type
	if e.Labels != "" {
		src += " " + e.Labels
	}
	op := OpAdd
	if e.Deleted {
		op = OpRemove
	}
	return Event{Op: op, ID: clip(e.key()), Type: e.Type, Value: e.Value, At: at, Source: clipRunes(src, 200)}
}

func listType(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if t, ok := listTypes[s]; ok {
		return t
	}
	return "hashlist:" + clip(s)
}

// ParseHashList reads a whole hash list in any of FormatHashList's dialects.
// A line or record without a type or a hash is an error naming it.
func ParseHashList(body []byte) ([]ListEntry, error) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return nil, nil
	}
	if b[0] == '[' || b[0] == '{' {
		return parseJSONList(b)
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.ContainsRune(first, ',') {
		return parseCSVList(b)
	}
	var out []ListEntry
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		typ, val, ok := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		if !ok || val == "" {
			return nil, fmt.Errorf("%w: line %d is not \"<signal type> <signal>\"", ErrMalformed, i+1)
		}
		out = append(out, ListEntry{Type: listType(typ), Value: val})
	}
	return out, nil
}

// listRecord is a JSON record of a list: TCAP's hash_digest and algorithm,
// or the signal_type and signal of HMA's exports.
type listRecord struct {
	HashDigest string   `json:"hash_digest"`
	Hash       string   `json:"hash"`
	HashValue  string   `json:"hash_value"`
	Signal     string   `json:"signal"`
	Algorithm  string   `json:"algorithm"`
	HashType   string   `json:"hash_type"`
	SignalType string   `json:"signal_type"`
	Ideology   string   `json:"ideology"`
	Labels     []string `json:"labels"`
	Tags       []string `json:"tags"`
	Deleted    bool     `json:"deleted"`
}

func (r listRecord) entry(i int) (ListEntry, error) {
	val := firstOf(r.HashDigest, r.Hash, r.HashValue, r.Signal)
	typ := firstOf(r.Algorithm, r.HashType, r.SignalType)
	if val == "" || typ == "" {
		return ListEntry{}, fmt.Errorf("%w: record %d has no hash or no type", ErrMalformed, i)
	}
	labels := append(append([]string{}, r.Labels...), r.Tags...)
	if r.Ideology != "" {
		labels = append(labels, r.Ideology)
	}
	return ListEntry{Type: listType(typ), Value: strings.TrimSpace(val), Labels: strings.Join(labels, ","), Deleted: r.Deleted}, nil
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

func parseJSONList(b []byte) ([]ListEntry, error) {
	var recs []listRecord
	if b[0] == '{' {
		var page struct {
			Results []listRecord `json:"results"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		recs = page.Results
	} else if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	out := make([]ListEntry, 0, len(recs))
	for i, r := range recs {
		e, err := r.entry(i)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// csvColumns are the header names a CSV list's columns may go by.
var csvColumns = map[string][]string{
	"value":  {"hash", "hash_value", "hash_digest", "signal", "value"},
	"type":   {"hash_type", "signal_type", "algorithm", "type"},
	"labels": {"labels", "tags", "label", "ideology", "taxonomy"},
}

func parseCSVList(b []byte) ([]ListEntry, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		for name, aliases := range csvColumns {
			if _, ok := col[name]; !ok && slices.Contains(aliases, h) {
				col[name] = i
			}
		}
	}
	vi, okV := col["value"]
	ti, okT := col["type"]
	if !okV || !okT {
		return nil, fmt.Errorf("%w: the CSV header names no hash column or no type column (hash, hash_type)", ErrMalformed)
	}
	var out []ListEntry
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if vi >= len(rec) || ti >= len(rec) || strings.TrimSpace(rec[vi]) == "" || strings.TrimSpace(rec[ti]) == "" {
			return nil, fmt.Errorf("%w: CSV line %d has no hash or no type", ErrMalformed, line)
		}
		e := ListEntry{Type: listType(rec[ti]), Value: strings.TrimSpace(rec[vi])}
		if li, ok := col["labels"]; ok && li < len(rec) {
			e.Labels = strings.TrimSpace(rec[li])
		}
		out = append(out, e)
	}
}

// listHead is what a hash-list subscription keeps in its head column: the
// validators of the last fetch, sent back so an unchanged list costs a 304.
type listHead struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// Checkpoint is TCAP's "<UTC>,<id>" after the last page read.
	Checkpoint string `json:"checkpoint,omitempty"`
}

func readListHead(s string) listHead {
	var h listHead
	_ = json.Unmarshal([]byte(s), &h) // a new subscription's head is not JSON: start afresh
	return h
}

func (h listHead) String() string {
	b, _ := json.Marshal(h)
	return string(b)
}

// getList GETs u with the token, refusing bodies over limit; a 304 answers
// notModified.
func (s *Service) getList(ctx context.Context, u, token string, h listHead, limit int64) (body []byte, next listHead, notModified bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, h, false, &fetchError{msg: "feed_url is not a URL"}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if h.ETag != "" {
		req.Header.Set("If-None-Match", h.ETag)
	}
	if h.LastModified != "" {
		req.Header.Set("If-Modified-Since", h.LastModified)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, h, false, unreachable(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, h, true, nil
	case resp.StatusCode != http.StatusOK:
		return nil, h, false, &fetchError{status: resp.StatusCode, msg: fmt.Sprintf("the source answered %d", resp.StatusCode)}
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, h, false, &fetchError{msg: "the source cannot be read: " + err.Error()}
	}
	if int64(len(body)) > limit {
		return nil, h, false, fmt.Errorf("%w: the list is larger than %d MiB", ErrMalformed, limit>>20)
	}
	next = h
	next.ETag, next.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return body, next, false, nil
}

// pollHashList fetches a whole list again when it changed and applies the
// difference: hashes it gained are added, hashes it lost are removed.
func (s *Service) pollHashList(ctx context.Context, sub store.FeedSubscription) {
	h := readListHead(sub.Head)
	body, next, same, err := s.getList(ctx, sub.FeedURL, sub.Token, h, MaxListBytes)
	var entries []ListEntry
	if err == nil && !same {
		entries, err = ParseHashList(body)
	}
	var live []string
	if err == nil && !same {
		err = s.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			live, err = tx.LiveFeedSourceIDs(ctx, sub.ID)
			return err
		})
	}
	if err != nil {
		if ctx.Err() == nil {
			s.fail(ctx, sub, err)
		}
		return
	}
	now := s.clock.Now().UTC()
	var evs []Event
	held := sub.Size
	if !same {
		evs, held = listDiff(entries, live, FormatHashList, now)
	}
	_, err = s.apply(ctx, sub, evs, false, func(sub *store.FeedSubscription) bool {
		// A list's "events" are the hashes it held at its last fetch.
		sub.Head, sub.Size, sub.SourceSize = next.String(), held, held
		return true
	})
	if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrNotLeader) {
		s.fail(ctx, sub, err)
	}
}

// listDiff is the events that make a copy holding live (source IDs) hold
// entries: an add for each hash it lacks, a remove for each it no longer
// has; held is how many distinct hashes the list holds.
func listDiff(entries []ListEntry, live []string, format string, at time.Time) (evs []Event, held int64) {
	have := make(map[string]bool, len(live))
	for _, id := range live {
		have[id] = true
	}
	want := make(map[string]bool, len(entries))
	for _, e := range entries {
		k := e.key()
		if e.Deleted || want[k] {
			continue
		}
		want[k] = true
		if !have[k] {
			evs = append(evs, e.event(format, at))
		}
	}
	for _, id := range live {
		if !want[id] {
			evs = append(evs, Event{Op: OpRemove, ID: id, At: at})
		}
	}
	return evs, int64(len(want))
}

// tcapPage is one page of TCAP's hash-list API (v2).
type tcapPage struct {
	Count      int64        `json:"count"`
	Next       *string      `json:"next"`
	Checkpoint string       `json:"checkpoint"`
	Results    []listRecord `json:"results"`
}

// tcapURL is the page after checkpoint.
func tcapURL(feedURL, checkpoint string, limit int) (string, error) {
	u, err := url.Parse(feedURL)
	if err != nil {
		return "", &fetchError{msg: "feed_url is not a URL"}
	}
	q := u.Query()
	q.Set("limit", strconv.Itoa(limit))
	q.Set("order", "asc")
	if checkpoint != "" {
		q.Set("after", checkpoint)
	} else {
		q.Del("after")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (s *Service) fetchTCAP(ctx context.Context, feedURL, token, checkpoint string, limit int) (tcapPage, error) {
	u, err := tcapURL(feedURL, checkpoint, limit)
	if err != nil {
		return tcapPage{}, err
	}
	body, _, _, err := s.getList(ctx, u, token, listHead{}, MaxPageBytes)
	if err != nil {
		return tcapPage{}, err
	}
	var p tcapPage
	if err := json.Unmarshal(body, &p); err != nil {
		return tcapPage{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(p.Results) > 0 && (p.Checkpoint == "" || len(p.Checkpoint) > 200) {
		return tcapPage{}, fmt.Errorf("%w: a page of results without a checkpoint", ErrMalformed)
	}
	return p, nil
}

// pollTCAP reads TCAP's pages after the subscription's checkpoint; a
// deleted hash is removed from the copy.
func (s *Service) pollTCAP(ctx context.Context, sub store.FeedSubscription) {
	for range maxPagesPerPoll {
		h := readListHead(sub.Head)
		p, err := s.fetchTCAP(ctx, sub.FeedURL, sub.Token, h.Checkpoint, 1000)
		evs := make([]Event, 0, len(p.Results))
		for i, r := range p.Results {
			if err != nil {
				break
			}
			var e ListEntry
			if e, err = r.entry(i); err == nil {
				evs = append(evs, e.event(FormatTCAP, s.clock.Now().UTC()))
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				s.fail(ctx, sub, err)
			}
			return
		}
		done := p.Next == nil || *p.Next == "" || len(p.Results) == 0
		sub, err = s.apply(ctx, sub, evs, true, func(sub *store.FeedSubscription) bool {
			if p.Checkpoint != "" {
				h.Checkpoint = p.Checkpoint
			}
			sub.Head = h.String()
			sub.SourceSize = sub.Size + max(p.Count, int64(len(p.Results)))
			sub.Size += int64(len(p.Results))
			if done {
				sub.SourceSize = sub.Size
			}
			return done
		})
		if err != nil || done {
			if err != nil && ctx.Err() == nil && !errors.Is(err, store.ErrNotLeader) {
				s.fail(ctx, sub, err)
			}
			return
		}
	}
}

// checkUnsigned reads the first page (or the whole list) of a feed that is
// not sigap's, to check its token and shape before a subscription is made.
func (s *Service) checkUnsigned(ctx context.Context, format, feedURL, token string) error {
	switch format {
	case FormatTCAP:
		_, err := s.fetchTCAP(ctx, feedURL, token, "", 1)
		return err
	case FormatHashList:
		body, _, _, err := s.getList(ctx, feedURL, token, listHead{}, MaxListBytes)
		if err == nil {
			_, err = ParseHashList(body)
		}
		return err
	}
	return s.checkThreatExchange(ctx, feedURL, token)
}

// unreachable is a request that got no answer, named without its URL, which
// may hold a token (ThreatExchange's access_token).
func unreachable(err error) *fetchError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &fetchError{msg: "the source cannot be reached: " + err.Error()}
}
