package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/httpsig"
)

// Client talks to one sigap server with one API key.
type Client struct {
	BaseURL string
	Key     string
	HTTP    *http.Client
	// Sign, when set, signs every request (RFC 9421, with an RFC 9530
	// Content-Digest of its body) with the organisation's registered key.
	Sign *httpsig.Key
	// Now gives the signatures' created time; nil is time.Now.
	Now func() time.Time
}

// New returns a client for the server at base.
func New(base, key string) *Client {
	return &Client{BaseURL: strings.TrimRight(base, "/"), Key: key, HTTP: &http.Client{Timeout: 5 * time.Minute}}
}

// Error is a problem document the server answered with.
type Error struct {
	Status int          `json:"status"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Code   string       `json:"code"`
	Errors []FieldError `json:"errors"`
}

// FieldError is one bad field of a rejected request.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s: %s", e.Status, e.Title, e.Detail)
	for _, f := range e.Errors {
		fmt.Fprintf(&b, "\n  %s: %s (%s)", f.Field, f.Message, f.Code)
	}
	return b.String()
}

// Do sends a request with a JSON body (or raw bytes) and decodes a JSON answer into out.
func (c *Client) Do(ctx context.Context, method, path string, body any, header http.Header, out any) (*http.Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("client: encode: %w", err)
		}
		rd = bytes.NewReader(data)
	}
	// A signature covers the body's digest, so a streamed body is read first.
	var signed []byte
	if c.Sign != nil && rd != nil {
		data, err := io.ReadAll(rd)
		if err != nil {
			return nil, fmt.Errorf("client: read body: %w", err)
		}
		signed, rd = data, bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	if c.Sign != nil {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		key := *c.Sign
		// Covering the Idempotency-Key means a signed notice replayed within
		// the signature's lifetime is the same notice, not a second one.
		if key.Components == nil && req.Header.Get("Idempotency-Key") != "" {
			key.Components = append(slices.Clone(httpsig.DefaultComponents), "idempotency-key")
		}
		if err := httpsig.SignRequest(req, signed, key, now()); err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w (is the server running at %s?)", method, path, err, c.BaseURL)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return resp, fmt.Errorf("client: read answer: %w", err)
	}
	if resp.StatusCode >= 400 {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, e) != nil || e.Title == "" {
			e.Title, e.Detail = http.StatusText(resp.StatusCode), strings.TrimSpace(string(data))
		}
		return resp, e
	}
	if out != nil && len(data) > 0 && resp.StatusCode != http.StatusNoContent {
		if raw, ok := out.(*json.RawMessage); ok {
			*raw = data
			return resp, nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return resp, fmt.Errorf("client: decode answer: %w", err)
		}
	}
	return resp, nil
}

// Query builds a path with query parameters, leaving out empty ones.
func Query(path string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
