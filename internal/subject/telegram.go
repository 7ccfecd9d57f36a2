package subject

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

const (
	channelPrefix = "telegram:channel/"
	messagePrefix = "telegram:message/"
	invitePrefix  = "telegram:invite/"
	folderPrefix  = "telegram:addlist/"
	privatePrefix = "telegram:private/"
	phonePrefix   = "telegram:phone/"
	tmeURL        = "https://t.me/"
)

// telegramHosts are the hosts that serve t.me links.
var telegramHosts = map[string]bool{
	"t.me": true, "www.t.me": true,
	"telegram.me": true, "www.telegram.me": true,
	"telegram.dog": true, "www.telegram.dog": true,
}

// reservedPaths are t.me first path segments that are Telegram services, not
// usernames. They become KindURL subjects of the normalised t.me URL: sticker
// sets, themes and proxies can be the content a notice is about.
var reservedPaths = map[string]bool{
	"share": true, "addstickers": true, "addemoji": true, "addtheme": true, "setlanguage": true,
	"proxy": true, "socks": true, "iv": true, "login": true, "confirmphone": true, "bg": true,
	"invoice": true, "giftcode": true, "contact": true, "m": true, "nft": true, "dl": true,
}

// notUsernames are the other t.me paths with a meaning of their own; no
// username can take them (or "t.me/NAME" would not name that user).
var notUsernames = map[string]bool{"joinchat": true, "addlist": true, "boost": true}

// parseTelegramWeb recognises t.me-style hosts; ok is false for other hosts.
func parseTelegramWeb(w webLink) (sub Subject, ok bool, err error) {
	segs, err := pathSegments(w.path)
	if telegramHosts[w.host] {
		if err != nil {
			return Subject{}, true, err
		}
		sub, err = telegramPath(segs, w.query)
		return sub, true, err
	}
	if w.host == "web.telegram.org" {
		sub, err = telegramWebClient(w.fragment)
		return sub, true, err
	}
	for host := range telegramHosts {
		if label, found := strings.CutSuffix(w.host, "."+host); found && !strings.HasPrefix(host, "www.") {
			if err != nil {
				return Subject{}, true, err
			}
			if strings.Contains(label, ".") {
				return Subject{}, true, fmt.Errorf("subject: %w: %q is not a username.%s host", ErrInvalidUsername, clip(w.host), host)
			}
			if _, err := username(label); err != nil {
				return Subject{}, true, err
			}
			sub, err = usernamePath(append([]string{label}, segs...), w.query)
			return sub, true, err
		}
	}
	return Subject{}, false, nil
}

// pathSegments splits a raw path into unescaped, non-empty segments.
func pathSegments(p string) ([]string, error) {
	var segs []string
	for s := range strings.SplitSeq(p, "/") {
		if s == "" {
			continue
		}
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, fmt.Errorf("subject: %w: bad percent-encoding in %q", ErrNotALink, clip(s))
		}
		segs = append(segs, u)
	}
	return segs, nil
}

// telegramPath interprets the path segments of a t.me link.
func telegramPath(segs []string, query string) (Subject, error) {
	if len(segs) == 0 {
		return Subject{}, fmt.Errorf("subject: %w: the t.me link names no channel, message or invite", ErrNotALink)
	}
	first := strings.ToLower(segs[0])
	switch {
	case first == "s":
		if len(segs) == 1 {
			return Subject{}, fmt.Errorf("subject: %w: the t.me/s/ preview link names no channel", ErrNotALink)
		}
		return usernamePath(segs[1:], query)
	case first == "c":
		return privatePath(segs[1:])
	case first == "joinchat":
		if len(segs) != 2 {
			return Subject{}, fmt.Errorf("subject: %w: a t.me/joinchat link needs exactly one invite hash", ErrNotALink)
		}
		return inviteSubject(segs[1])
	case strings.HasPrefix(first, "+"):
		if len(segs) != 1 {
			return Subject{}, fmt.Errorf("subject: %w: unexpected path after the t.me/+ invite", ErrNotALink)
		}
		return plusSubject(segs[0][1:])
	case first == "addlist":
		if len(segs) != 2 {
			return Subject{}, fmt.Errorf("subject: %w: a t.me/addlist link needs exactly one folder slug", ErrNotALink)
		}
		return folderSubject(segs[1])
	case first == "boost":
		return boostSubject(segs[1:], query)
	case reservedPaths[first]:
		segs[0] = first
		return tmeURLSubject(segs, query), nil
	}
	return usernamePath(segs, query)
}

// usernamePath handles NAME, NAME/MSG and NAME/TOPIC/MSG; the query (?single,
// ?comment=, ?embed=, ?thread=, ?start=, ...) does not change the subject.
func usernamePath(segs []string, query string) (Subject, error) {
	name, err := username(segs[0])
	if err != nil {
		return Subject{}, err
	}
	switch {
	case len(segs) == 1:
		return channelSubject(name), nil
	case len(segs) <= 3 && allDigits(segs[1:]):
		msg, err := positiveID(segs[len(segs)-1], "message id")
		if err != nil {
			return Subject{}, err
		}
		return messageSubject(name, msg), nil
	}
	// NAME/APP is a bot's Mini App; other shapes are kept as t.me URLs.
	segs[0] = name
	return tmeURLSubject(segs, query), nil
}

// privatePath handles t.me/c/ID, t.me/c/ID/MSG and t.me/c/ID/TOPIC/MSG.
func privatePath(segs []string) (Subject, error) {
	if len(segs) == 0 || len(segs) > 3 {
		return Subject{}, fmt.Errorf("subject: %w: a t.me/c link is t.me/c/<channel id>/<message id>", ErrNotALink)
	}
	id, err := privateChannelID(segs[0])
	if err != nil {
		return Subject{}, err
	}
	if len(segs) == 1 {
		return privateSubject(id, ""), nil
	}
	if len(segs) == 3 {
		if _, err := positiveID(segs[1], "topic id"); err != nil {
			return Subject{}, err
		}
	}
	msg, err := positiveID(segs[len(segs)-1], "message id")
	if err != nil {
		return Subject{}, err
	}
	return privateSubject(id, msg), nil
}

// boostSubject maps t.me/boost/NAME to the channel and t.me/boost?c=ID to the
// private channel: a boost link is a link to that channel.
func boostSubject(segs []string, query string) (Subject, error) {
	if len(segs) == 1 {
		name, err := username(segs[0])
		if err != nil {
			return Subject{}, err
		}
		return channelSubject(name), nil
	}
	if q, err := url.ParseQuery(query); err == nil && len(segs) == 0 && q.Get("c") != "" {
		id, err := privateChannelID(q.Get("c"))
		if err != nil {
			return Subject{}, err
		}
		return privateSubject(id, ""), nil
	}
	return Subject{}, fmt.Errorf("subject: %w: a t.me/boost link is t.me/boost/<username> or t.me/boost?c=<id>", ErrNotALink)
}

// telegramWebClient reads the chat out of a web.telegram.org fragment: without
// it every such link would collapse to the same web-client URL.
func telegramWebClient(fragment string) (Subject, error) {
	f, err := url.PathUnescape(fragment)
	if err != nil {
		f = fragment
	}
	switch {
	case strings.HasPrefix(f, "@"):
		name, err := username(f[1:])
		if err != nil {
			return Subject{}, err
		}
		return channelSubject(name), nil
	case strings.HasPrefix(f, "?tgaddr="):
		addr, err := url.QueryUnescape(f[len("?tgaddr="):])
		if err == nil && strings.HasPrefix(strings.ToLower(addr), "tg:") {
			return parseTG(addr[3:])
		}
	case strings.HasPrefix(f, "-100"):
		id, err := privateChannelID(f)
		if err != nil {
			return Subject{}, err
		}
		return privateSubject(id, ""), nil
	}
	return Subject{}, fmt.Errorf("subject: %w: this web.telegram.org link names no public chat; give its t.me link", ErrNotALink)
}

// parseTG handles tg: links; rest is what follows "tg:".
func parseTG(rest string) (Subject, error) {
	rest = strings.TrimPrefix(rest, "//")
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	action, rawQuery, _ := strings.Cut(rest, "?")
	action = strings.ToLower(strings.TrimRight(action, "/"))
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return Subject{}, fmt.Errorf("subject: %w: bad query in the tg://%s link", ErrNotALink, clip(action))
	}
	switch action {
	case "resolve":
		if q.Get("domain") == "" {
			if phone := q.Get("phone"); phone != "" {
				return plusSubject(strings.TrimLeft(phone, "+ ")) // "+" in a query reads as a space
			}
			return Subject{}, fmt.Errorf("subject: %w: the tg://resolve link has no domain", ErrNotALink)
		}
		name, err := username(q.Get("domain"))
		if err != nil {
			return Subject{}, err
		}
		if post := q.Get("post"); post != "" {
			msg, err := positiveID(post, "post")
			if err != nil {
				return Subject{}, err
			}
			return messageSubject(name, msg), nil
		}
		if app := q.Get("appname"); app != "" {
			return tmeURLSubject([]string{name, app}, ""), nil
		}
		return channelSubject(name), nil
	case "join":
		return inviteSubject(strings.TrimLeft(q.Get("invite"), "+ "))
	case "addlist":
		return folderSubject(q.Get("slug"))
	case "privatepost":
		id, err := privateChannelID(q.Get("channel"))
		if err != nil {
			return Subject{}, err
		}
		if q.Get("post") == "" {
			return privateSubject(id, ""), nil
		}
		msg, err := positiveID(q.Get("post"), "post")
		if err != nil {
			return Subject{}, err
		}
		return privateSubject(id, msg), nil
	case "addstickers", "addemoji":
		if q.Get("set") == "" {
			return Subject{}, fmt.Errorf("subject: %w: the tg://%s link has no set", ErrNotALink, action)
		}
		return tmeURLSubject([]string{action, q.Get("set")}, ""), nil
	case "boost":
		if d := q.Get("domain"); d != "" {
			return boostSubject([]string{d}, "")
		}
		return boostSubject(nil, "c="+url.QueryEscape(q.Get("channel")))
	}
	return Subject{}, fmt.Errorf("subject: %w: tg://%s links are not accepted; give a t.me link", ErrUnsupportedScheme, clip(action))
}

// username validates and lower-cases a Telegram username: 4 to 32 characters of
// [a-z0-9_], starting with a letter. New usernames need 5, but 4-letter
// collectible usernames sold on Fragment exist.
func username(s string) (string, error) {
	bad := len(s) < 4 || len(s) > 32
	for i := 0; !bad && i < len(s); i++ {
		c := s[i] | 0x20 // ASCII lower case; '_' and digits are tested first
		switch {
		case s[i] == '_' || '0' <= s[i] && s[i] <= '9':
			bad = i == 0
		case 'a' <= c && c <= 'z':
		default:
			bad = true
		}
	}
	if !bad && (reservedPaths[strings.ToLower(s)] || notUsernames[strings.ToLower(s)]) {
		return "", fmt.Errorf("subject: %w: %q is a Telegram service path, not a username", ErrInvalidUsername, clip(s))
	}
	if bad {
		return "", fmt.Errorf("subject: %w: %q must be 4 to 32 letters, digits or underscores, starting with a letter", ErrInvalidUsername, clip(s))
	}
	return strings.ToLower(s), nil
}

// positiveID parses a decimal id, dropping leading zeros.
func positiveID(s, what string) (string, error) {
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil || n == 0 || s[0] == '+' {
		return "", fmt.Errorf("subject: %w: the %s %q is not a positive number", ErrNotALink, what, clip(s))
	}
	return strconv.FormatUint(n, 10), nil
}

// privateChannelID accepts a channel id as t.me/c writes it or in its Bot API
// form with the "-100" prefix.
func privateChannelID(s string) (string, error) {
	return positiveID(strings.TrimPrefix(s, "-100"), "channel id")
}

func allDigits(segs []string) bool {
	for _, s := range segs {
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		}
	}
	return true
}

// validHash reports whether s looks like an invite hash or folder slug
// (URL-safe base64).
func validHash(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func channelSubject(name string) Subject {
	return Subject{Canonical: channelPrefix + name, Kind: KindTelegramChannel, Channel: name, URL: tmeURL + name}
}

func messageSubject(name, msg string) Subject {
	return Subject{Canonical: messagePrefix + name + "/" + msg, Kind: KindTelegramMessage, Channel: name, URL: tmeURL + name + "/" + msg}
}

func inviteSubject(hash string) (Subject, error) {
	if !validHash(hash) {
		return Subject{}, fmt.Errorf("subject: %w: %q is not a Telegram invite hash", ErrNotALink, clip(hash))
	}
	u := tmeURL + "+" + hash
	if isPhone(hash) {
		u = tmeURL + "joinchat/" + hash // t.me/+DIGITS would read as a phone number
	}
	return Subject{Canonical: invitePrefix + hash, Kind: KindTelegramInvite, Private: true, URL: u}, nil
}

// plusSubject handles t.me/+X: a phone number when X is all digits (as Telegram
// reads it), an invite hash otherwise.
func plusSubject(x string) (Subject, error) {
	if isPhone(x) {
		return Subject{Canonical: phonePrefix + x, Kind: KindTelegramPrivate, Private: true, URL: tmeURL + "+" + x}, nil
	}
	return inviteSubject(x)
}

func isPhone(x string) bool { return len(x) >= 4 && len(x) <= 15 && allDigits([]string{x}) }

func folderSubject(slug string) (Subject, error) {
	if !validHash(slug) {
		return Subject{}, fmt.Errorf("subject: %w: %q is not a Telegram folder slug", ErrNotALink, clip(slug))
	}
	return Subject{Canonical: folderPrefix + slug, Kind: KindTelegramInvite, Private: true, URL: tmeURL + "addlist/" + slug}, nil
}

func privateSubject(id, msg string) Subject {
	if msg == "" {
		return Subject{Canonical: privatePrefix + id, Kind: KindTelegramPrivate, Private: true, URL: tmeURL + "c/" + id}
	}
	return Subject{Canonical: privatePrefix + id + "/" + msg, Kind: KindTelegramPrivate, Private: true, URL: tmeURL + "c/" + id + "/" + msg}
}

// tmeURLSubject is the KindURL subject of a t.me service link, built from
// unescaped segments so that every escaping of the same path agrees.
func tmeURLSubject(segs []string, query string) Subject {
	var b strings.Builder
	b.WriteString(tmeURL)
	for i, s := range segs {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(url.PathEscape(s))
	}
	if q := normQuery(query); q != "" {
		b.WriteString("?" + q)
	}
	u := protectEnd(b.String())
	return Subject{Canonical: "url:" + u, Kind: KindURL, URL: u}
}
