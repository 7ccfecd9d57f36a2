package translog

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is the body of a C2SP checkpoint: the log's origin, its size and
// the RFC 6962 root hash of the tree of that size.
type Checkpoint struct {
	Origin     string
	Size       int64
	Root       tlog.Hash
	Extensions []string
}

// ErrBadCheckpoint is wrapped by every parse and verification failure of a checkpoint.
var ErrBadCheckpoint = errors.New("translog: bad checkpoint")

// Text is the checkpoint body as signed: origin, size, base64 root, each on
// its own line, then any extension lines.
func (c Checkpoint) Text() string {
	var b strings.Builder
	b.WriteString(c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n")
	for _, e := range c.Extensions {
		b.WriteString(e + "\n")
	}
	return b.String()
}

// ParseCheckpoint parses a checkpoint body (the signed text, without signatures).
func ParseCheckpoint(text string) (Checkpoint, error) {
	bad := func(format string, a ...any) (Checkpoint, error) {
		return Checkpoint{}, fmt.Errorf("%w: "+format, append([]any{ErrBadCheckpoint}, a...)...)
	}
	if !utf8.ValidString(text) {
		return bad("not UTF-8")
	}
	if !strings.HasSuffix(text, "\n") {
		return bad("the body does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return bad("want at least 3 lines (origin, size, root hash), got %d", len(lines))
	}
	c := Checkpoint{Origin: lines[0]}
	if c.Origin == "" || strings.ContainsAny(c.Origin, "\r\t") {
		return bad("empty or malformed origin line")
	}
	size := lines[1]
	if size == "" || len(size) > 19 || (len(size) > 1 && size[0] == '0') || strings.Trim(size, "0123456789") != "" {
		return bad("tree size %q is not a decimal number", clip(size))
	}
	n, err := strconv.ParseInt(size, 10, 64)
	if err != nil {
		return bad("tree size %q: %v", clip(size), err)
	}
	c.Size = n
	root, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return bad("root hash %q is not 32 bytes of base64", clip(lines[2]))
	}
	copy(c.Root[:], root)
	for _, e := range lines[3:] {
		if e == "" {
			return bad("empty extension line")
		}
		c.Extensions = append(c.Extensions, e)
	}
	return c, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// OpenCheckpoint verifies a signed checkpoint with the log's verifier key and
// parses it. The origin must be the key's name, as C2SP asks.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	c, _, err := OpenCheckpointKeys(msg, []note.Verifier{v})
	return c, err
}

// OpenCheckpointKeys verifies a signed checkpoint with any of the log's keys
// (a ring across rotations) and parses it. It returns the keys whose
// signatures verified, as <name>+<hash>. Every verified signature must be by
// a key named as the checkpoint's origin.
func OpenCheckpointKeys(msg []byte, vs []note.Verifier) (Checkpoint, []string, error) {
	if len(vs) == 0 {
		return Checkpoint{}, nil, fmt.Errorf("%w: no log key to verify it with", ErrBadCheckpoint)
	}
	// The same key given twice would make note's lookup ambiguous.
	seen := make(map[string]bool, len(vs))
	uniq := vs[:0:0]
	for _, v := range vs {
		if id := keyID(v); !seen[id] {
			seen[id] = true
			uniq = append(uniq, v)
		}
	}
	vs = uniq
	n, err := note.Open(msg, note.VerifierList(vs...))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		var invalid *note.InvalidSignatureError
		switch {
		case errors.As(err, &invalid):
			return Checkpoint{}, nil, fmt.Errorf("%w: the signature by %s+%08x does not verify: the checkpoint was forged or altered", ErrBadCheckpoint, invalid.Name, invalid.Hash)
		case errors.As(err, &unverified):
			names := make([]string, len(vs))
			for i, v := range vs {
				names[i] = keyID(v)
			}
			return Checkpoint{}, nil, fmt.Errorf("%w: it carries no signature by the log key %s", ErrBadCheckpoint, strings.Join(names, " or "))
		}
		return Checkpoint{}, nil, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	by := make([]string, 0, len(n.Sigs))
	for _, sig := range n.Sigs {
		if c.Origin != sig.Name {
			return Checkpoint{}, nil, fmt.Errorf("%w: origin %q is not the log key's name %q", ErrBadCheckpoint, clip(c.Origin), sig.Name)
		}
		by = append(by, fmt.Sprintf("%s+%08x", sig.Name, sig.Hash))
	}
	return c, by, nil
}

// SignCheckpoint signs c's text with every signer given: during a key
// rotation both the current and the announced key sign.
func SignCheckpoint(c Checkpoint, s ...note.Signer) ([]byte, error) {
	b, err := note.Sign(&note.Note{Text: c.Text()}, s...)
	if err != nil {
		return nil, fmt.Errorf("translog: sign checkpoint: %w", err)
	}
	return b, nil
}
