package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/sigap/sigap/internal/translog"
)

// A feed is a hash chain, not a Merkle tree: a subscriber reads every event
// anyway, so it recomputes the chain from the head it verified last and
// compares the result with the source's signed checkpoint; a source that
// rewrote, dropped or reordered anything it fed before cannot produce a
// checkpoint the subscriber's chain agrees with.

// zeroHead is the head of an empty feed.
var zeroHead = hex.EncodeToString(make([]byte, sha256.Size))

// ErrTampered is wrapped when a feed's events or checkpoint disagree with
// what the subscriber verified before: the source rewrote its history.
var ErrTampered = errors.New("feed: the feed rewrote its history")

// leafHash is the hash of one event's fields; JSON makes it unambiguous
// whatever the values hold (a vPDQ value has newlines).
func leafHash(op, entryID, typ, value, source string, atMS int64) [sha256.Size]byte {
	fields := [...]string{op, entryID, typ, value, source, strconv.FormatInt(atMS, 10)}
	// Fields json.Marshal would copy as they are (printable ASCII but for
	// the characters it escapes) are written straight into the array: the
	// same bytes, without reflection, for the hashes and IDs a feed is made of.
	var buf [512]byte
	b := append(buf[:0], '[')
	for i, f := range fields {
		if !plainJSON(f) {
			raw, _ := json.Marshal(fields[:])
			return sha256.Sum256(raw)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), f...), '"')
	}
	return sha256.Sum256(append(b, ']'))
}

// plainJSON reports whether json.Marshal writes s between quotes unchanged.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// nextHead chains one event onto head (hex); a malformed head is an error.
func nextHead(head string, leaf [sha256.Size]byte) (string, error) {
	prev, err := hex.DecodeString(head)
	if err != nil || len(prev) != sha256.Size {
		return "", fmt.Errorf("feed: head %q is not 32 bytes of hex", clip(head))
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(leaf[:])
	return hex.EncodeToString(h.Sum(nil)), nil
}

// originOf names a set's feed under the server's log key.
func originOf(key translog.Key, setID string) string {
	return key.Verifier.Name() + "/feed/" + setID
}

// signCheckpoint signs (origin, size, head) as a C2SP checkpoint whose root
// line holds the chain head.
func signCheckpoint(key translog.Key, origin string, size int64, head string) (string, error) {
	var root tlog.Hash
	b, err := hex.DecodeString(head)
	if err != nil || len(b) != len(root) {
		return "", fmt.Errorf("feed: head %q is not 32 bytes of hex", clip(head))
	}
	copy(root[:], b)
	msg, err := note.Sign(&note.Note{Text: translog.Checkpoint{Origin: origin, Size: size, Root: root}.Text()}, key.Signer)
	if err != nil {
		return "", fmt.Errorf("feed: sign checkpoint: %w", err)
	}
	return string(msg), nil
}

// verifyCheckpoint opens a signed checkpoint with the pinned verifier key and
// checks it names origin at size with head.
func verifyCheckpoint(vkey, origin, signed string, size int64, head string) error {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("feed: the pinned verifier key is unusable: %w", err)
	}
	n, err := note.Open([]byte(signed), note.VerifierList(v))
	if err != nil {
		return fmt.Errorf("%w: the checkpoint is not signed by the source's key (%v)", ErrTampered, err)
	}
	cp, err := translog.ParseCheckpoint(n.Text)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTampered, err)
	}
	if cp.Origin != origin {
		return fmt.Errorf("%w: the checkpoint names feed %q, not %q", ErrTampered, clip(cp.Origin), origin)
	}
	if cp.Size != size || hex.EncodeToString(cp.Root[:]) != head {
		return fmt.Errorf("%w: its signed checkpoint at size %d does not extend the %d events verified before (head %s)",
			ErrTampered, cp.Size, size, head[:12])
	}
	return nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
