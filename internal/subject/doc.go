// Package subject turns any link a person pastes (Telegram links in all their
// written forms, or any other http(s) URL) into one canonical subject string, so
// the same content always gets the same subject however the link was written.
//
// Decisions on edge cases, in short (the tests pin each one down):
//
//   - Telegram hosts t.me, telegram.me and telegram.dog (with or without www., any
//     scheme, name.t.me subdomain form) and tg:// links are folded to one form.
//     Usernames are lower-cased; message ids, invite hashes and folder slugs keep
//     their case. Numeric ids lose leading zeros.
//   - Usernames are 4 to 32 characters of [a-z0-9_] starting with a letter. Telegram
//     asks 5 for new names, but Fragment sells 4-letter collectible usernames, so
//     refusing 4 would reject real channels.
//   - The query of a Telegram message or channel link is ignored (?single, ?embed,
//     ?comment, ?thread, ?start, ...); the canonical is the post, not the comment.
//     Forum topic links t.me/name/<topic>/<msg> become the message.
//   - Private forms (t.me/+HASH, t.me/joinchat/HASH, tg://join, t.me/c/..., tg://privatepost,
//     t.me/addlist/SLUG folder invites and t.me/+<phone number>) are returned with
//     Private set; the caller decides whether the regime allows them.
//   - Telegram service paths that point at content but not at a chat (addstickers,
//     addemoji, addtheme, share, proxy, iv, login, ...) become KindURL subjects of
//     the normalised https://t.me/... URL. t.me/boost/NAME is the channel NAME.
//     A bare t.me, joinchat or addlist without hash, or t.me/s alone, is an error.
//   - Other URLs: scheme and host lower-cased, default port and userinfo dropped,
//     international host names mapped (NFKC, lower case) and Punycode-encoded by a
//     built-in RFC 3492 encoder (golang.org/x/net/idna is not a dependency),
//     percent-encoding normalised (unreserved decoded, hex upper-cased, the rest
//     encoded), dot segments resolved, trailing slash removed, tracking parameters
//     (utm_*, fbclid, gclid, ...) dropped and the rest sorted. The fragment is dropped
//     unless it is a client-side route (#/... or #!...), which names different pages.
//     http and https fold to one canonical (url:https://...) when no explicit port is
//     given, but URL keeps the scheme the person wrote so that it still opens.
//   - A normalised URL never ends in a character that prose trimming would strip
//     (such as "." or an unbalanced ")"): that last character is percent-encoded,
//     so Parse(s.URL) always gives s back.
package subject
