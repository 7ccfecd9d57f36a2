package httpapi

import (
	"compress/gzip"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/org"
)

// The handlers here share sets as feeds (issue 18: docs/exchange.md): a
// set's shares, the feed a share's token reads, the feedback that comes back
// and the subscriptions that keep a copy of another server's feed.

func (a *API) createShare(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusCreated, func(r *http.Request, _ org.Caller, in feed.ShareInput) (feed.Share, error) {
		return a.Feeds.CreateShare(r.Context(), fs.Kind.Names().Family, r.PathValue("id"), baseOf(r), in)
	})
}

func (a *API) listShares(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, _ noBody) (list[feed.Share], error) {
		items, err := a.Feeds.Shares(r.Context(), fs.Kind.Names().Family, r.PathValue("id"), baseOf(r))
		return listOf(items, ""), err
	})
}

func (a *API) revokeShare(fs *filterset.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := a.Feeds.RevokeShare(r.Context(), fs.Kind.Names().Family, r.PathValue("id"), r.PathValue("share_id")); err != nil {
			a.errorResponse(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// sendFeedback queues a verdict on a subscribed entry for its source.
func (a *API) sendFeedback(fs *filterset.Service) http.HandlerFunc {
	type verdict struct {
		Verdict string `json:"verdict"`
	}
	return jsonHandler(a, http.StatusCreated, func(r *http.Request, _ org.Caller, in verdict) (feed.Sent, error) {
		return a.Feeds.SendFeedback(r.Context(), fs.Kind.Names().Family, r.PathValue("id"), r.PathValue("entry_id"), in.Verdict)
	})
}

// entryFeedback lists the subscribers' verdicts on one of a shared set's
// entries; setFeedback on all of them, most false positives first.
func (a *API) entryFeedback(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, _ noBody) (list[feed.Feedback], error) {
		items, err := a.Feeds.Feedback(r.Context(), fs.Kind.Names().Family, r.PathValue("id"), r.PathValue("entry_id"))
		return listOf(items, ""), err
	})
}

func (a *API) setFeedback(fs *filterset.Service) http.HandlerFunc {
	return jsonHandler(a, http.StatusOK, func(r *http.Request, _ org.Caller, _ noBody) (list[feed.Feedback], error) {
		items, err := a.Feeds.Feedback(r.Context(), fs.Kind.Names().Family, r.PathValue("id"), "")
		return listOf(items, ""), err
	})
}

// feedToken is the bearer token of a feed request.
func feedToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// feedProblem answers a feed's own errors; any other goes to errorResponse.
func (a *API) feedProblem(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, feed.ErrBadToken):
		w.Header().Set("WWW-Authenticate", `Bearer realm="sigap feed"`)
		problem(w, http.StatusUnauthorized, "feed_token", "Wrong feed token",
			"the token does not read this feed; use the token the share gave / token tidak berlaku untuk feed ini")
	case errors.Is(err, feed.ErrRevoked):
		problem(w, http.StatusForbidden, "share_revoked", "The share was revoked",
			"the source revoked this share; ask it for a new one / sumber telah mencabut share ini")
	case errors.Is(err, feed.ErrCursor):
		problem(w, http.StatusBadRequest, "bad_cursor", "Cursor beyond the feed",
			err.Error()+"; a cursor is the seq of the last event read / cursor adalah seq event terakhir yang dibaca")
	default:
		a.errorResponse(w, r, err)
	}
}

// readFeed serves one page of a share's feed to the token's bearer,
// gzipped when the reader accepts it.
func (a *API) readFeed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, limit := int64(0), 1000
	var err error
	if s := q.Get("cursor"); s != "" {
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after < 0 {
			a.feedProblem(w, r, feed.ErrCursor)
			return
		}
	}
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 10000 {
			problem(w, http.StatusBadRequest, "bad_limit", "Bad limit", "limit is from 1 to 10000 / limit dari 1 sampai 10000")
			return
		}
	}
	p, err := a.Feeds.Read(r.Context(), r.PathValue("share_id"), feedToken(r), after, limit)
	if err != nil {
		a.feedProblem(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		writeJSON(w, http.StatusOK, p)
		return
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err := json.NewEncoder(zw).Encode(p); err != nil {
		a.Log.WarnContext(r.Context(), "feed: page cut short", "err", err)
	}
	_ = zw.Close()
}

// receiveFeedback counts a subscriber's verdict on an entry of the feed.
func (a *API) receiveFeedback(w http.ResponseWriter, r *http.Request) {
	var in struct {
		EntryID string `json:"entry_id"`
		Verdict string `json:"verdict"`
	}
	tok := feedToken(r)
	if err := a.Feeds.CheckToken(r.Context(), r.PathValue("share_id"), tok); err != nil {
		a.feedProblem(w, r, err)
		return
	}
	if err := decodeStrict(r, &in); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	if err := a.Feeds.Receive(r.Context(), r.PathValue("share_id"), tok, in.EntryID, in.Verdict); err != nil {
		a.feedProblem(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"entry_id": in.EntryID, "verdict": in.Verdict, "status": "received"})
}

func (a *API) subscribe(r *http.Request, c org.Caller, in feed.SubscribeInput) (feed.Subscription, error) {
	return a.Feeds.Subscribe(r.Context(), c, in)
}

func (a *API) listSubscriptions(r *http.Request, _ org.Caller, _ noBody) (list[feed.Subscription], error) {
	return paged(r, func(cursor string, limit int) ([]feed.Subscription, error) {
		return a.Feeds.Subscriptions(r.Context(), cursor, limit)
	}, func(s feed.Subscription) string { return s.ID })
}

func (a *API) getSubscription(r *http.Request, _ org.Caller, _ noBody) (feed.Subscription, error) {
	return a.Feeds.Subscription(r.Context(), r.PathValue("id"))
}

func (a *API) unsubscribe(w http.ResponseWriter, r *http.Request) {
	if err := a.Feeds.Unsubscribe(r.Context(), r.PathValue("id")); err != nil {
		a.errorResponse(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
