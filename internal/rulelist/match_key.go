package rulelist

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp/syntax"

	"github.com/sigap/sigap/internal/subject"
	"github.com/sigap/sigap/internal/textnorm"
)

// MatchKey is what a checked rule matches, hashed to a fixed size so the
// store can index it (a text entry may be 64 KiB): the normalised text of a
// keyword or near-duplicate text, the simplified syntax of a regex, the
// normalised domain, or the canonical subject of a URL, channel or message
// link. Two rules of one list with the same key match the same posts, so the
// store keeps one ("JIHAD" and "j1h4d" beside "jihad"; "t.me/SomeChannel"
// beside "https://t.me/s/somechannel"; "tg://resolve?domain=OtherChan&post=77"
// beside "https://t.me/OtherChan/77"). typ and stored are what Check returned.
// Every writer of list rules sets it, the removed-content feed too.
func MatchKey(kind, typ, stored string) string {
	k := stored
	switch kind {
	case KindKeyword, KindText:
		k = textnorm.Normalize(stored)
	case KindRegex:
		if re, err := syntax.Parse(stored, syntax.Perl); err == nil {
			k = re.Simplify().String()
		}
	case KindLink:
		if typ != TypeDomain {
			if sub, err := subject.Parse(stored); err == nil {
				k = sub.Canonical
			}
		}
	}
	sum := sha256.Sum256([]byte(kind + "\x00" + typ + "\x00" + k))
	return hex.EncodeToString(sum[:])
}
