package mailin

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one reason a message does not make a notice, in both languages
// (Bahasa Indonesia first where they are shown together).
type Problem struct {
	// Field is the notice field at fault ("" for the message as a whole).
	Field string `json:"field,omitempty"`
	// Code is the machine-readable reason, as the API's field errors name it.
	Code string `json:"code"`
	ID   string `json:"id"`
	EN   string `json:"en"`
}

// fields maps every name a "field: value" line may use, normalised (lower
// case, '_' and '-' as spaces), to the API's field. The Indonesian names are
// those docs/email.md lists.
var fields = map[string]string{
	"kind": "kind", "jenis": "kind",
	"category": "category", "kategori": "category",
	"legal basis": "legal_basis", "dasar hukum": "legal_basis",
	"reference": "reference", "referensi": "reference", "nomor surat": "reference", "no surat": "reference",
	"urgent": "urgent", "mendesak": "urgent", "segera": "urgent",
	"regime": "regime", "rezim": "regime",
	"requested action": "requested_action", "tindakan": "requested_action", "tindakan diminta": "requested_action",
	"language": "language", "bahasa": "language",
	"territorial scope": "territorial_scope", "wilayah": "territorial_scope", "cakupan wilayah": "territorial_scope",
	"explanation": "explanation", "penjelasan": "explanation", "uraian": "explanation",
	"inform uploader after": "inform_uploader_after", "beri tahu pengunggah setelah": "inform_uploader_after",
	"preserve days": "preserve_days", "lama penyimpanan": "preserve_days", "simpan hari": "preserve_days",
}

// values maps Indonesian values of enumerated fields to the API's; any other
// value goes to the API as written, whose validation names what it takes.
var values = map[string]map[string]string{
	"kind": {"perintah": "order", "rujukan": "referral", "penandaan": "flag", "laporan": "report",
		"darurat": "emergency", "preservasi": "preservation", "pengamanan data": "preservation"},
	"category": {"terorisme": "terrorism", "ekstremisme kekerasan": "violent_extremism", "ketertiban umum": "public_order",
		"perjudian": "gambling", "judi": "gambling", "pornografi": "pornography", "hoaks": "hoax", "ujaran kebencian": "hate_speech",
		"penipuan": "fraud", "narkoba": "drugs", "barang ilegal": "illegal_goods", "privasi": "privacy", "hki": "ip", "lainnya": "other"},
	"requested_action": {"hapus": "remove", "batasi wilayah": "geo_restrict", "tangguhkan": "suspend", "tinjau": "review"},
}

var (
	fieldLine = regexp.MustCompile(`^([A-Za-z][A-Za-z _.-]{1,40}?)\s*:\s*(.*)$`)
	// linkLine is a line that is one link and nothing else: a URL with a
	// scheme, or a Telegram address written without one.
	linkLine = regexp.MustCompile(`^(?i)(?:[a-z][a-z0-9+.-]{0,15}://|(?:www\.)?(?:t\.me|telegram\.me|telegram\.dog)/)\S+$`)
	// bullet is what a list item starts with before its link.
	bullet  = regexp.MustCompile(`^(?:[-*•+]|\d{1,6}[.)])\s+`)
	replyRe = regexp.MustCompile(`(?i)^\s*((re|fwd?|aw|tr|bls|balas|tr|wg)\s*:\s*)+`)
)

// MaxReference bounds a reference taken from the subject line, as the API bounds the field.
const MaxReference = 500

// Notice makes the API's notice body of m: the JSON an authority would POST
// to /v1/notices. The body is the same for the same message, so its hash and
// so the idempotency check hold across a resend. Problems are what the
// message lacks or gets wrong before the API's own validation, which the
// caller runs on the body; with problems the body is nil.
func Notice(m *Message) ([]byte, []Problem) {
	var probs []Problem
	add := func(field, code, id, en string) {
		probs = append(probs, Problem{Field: field, Code: code, ID: id, EN: en})
	}
	set := map[string]string{}
	var links []string
	var rest []string
	lines := strings.Split(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n")
	for _, line := range lines {
		line = strings.TrimRight(line, " \t\r\u00a0")
		if line == "-- " || line == "--" {
			break // the signature block: neither links nor fields
		}
		trimmed := strings.TrimSpace(strings.ReplaceAll(line, "\u00a0", " "))
		if strings.HasPrefix(trimmed, ">") {
			continue // quoted text of an earlier message
		}
		if l := bullet.ReplaceAllString(trimmed, ""); linkLine.MatchString(l) {
			links = append(links, strings.Trim(l, "<>"))
			continue
		}
		if f := fieldLine.FindStringSubmatch(trimmed); f != nil {
			if api, ok := fields[normalise(f[1])]; ok {
				v := strings.TrimSpace(f[2])
				switch prev, dup := set[api]; {
				case v == "":
					add(api, "required", fmt.Sprintf("baris %q tidak berisi nilai", f[1]+":"), fmt.Sprintf("the line %q has no value", f[1]+":"))
				case dup && prev != v:
					add(api, "duplicate", fmt.Sprintf("%s diberikan dua kali dengan nilai berbeda (%q dan %q)", f[1], prev, v),
						fmt.Sprintf("%s is given twice with different values (%q and %q)", f[1], prev, v))
				default:
					set[api] = v
				}
				continue
			}
		}
		rest = append(rest, line)
	}
	body := map[string]any{}
	for f, v := range set {
		switch f {
		case "urgent":
			switch strings.ToLower(v) {
			case "ya", "yes", "y", "true", "1", "benar":
				body[f] = true
			case "tidak", "no", "n", "false", "0", "bukan":
				body[f] = false
			default:
				add(f, "invalid", fmt.Sprintf("mendesak: %q bukan ya atau tidak", v), fmt.Sprintf("urgent: %q is not yes or no", v))
			}
		case "preserve_days":
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(v), "hari"), "days")))
			if err != nil {
				add(f, "invalid", fmt.Sprintf("lama penyimpanan: %q bukan jumlah hari", v), fmt.Sprintf("preserve_days: %q is not a number of days", v))
			} else {
				body[f] = n
			}
		case "territorial_scope":
			var codes []string
			for c := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
				codes = append(codes, strings.ToUpper(c))
			}
			body[f] = codes
		default:
			if m, ok := values[f]; ok {
				if api, ok := m[normalise(v)]; ok {
					v = api
				} else {
					v = strings.ToLower(v)
				}
			}
			body[f] = v
		}
	}
	if _, ok := body["reference"]; !ok {
		if ref := strings.TrimSpace(replyRe.ReplaceAllString(m.Subject, "")); ref != "" {
			body["reference"] = truncate(ref, MaxReference)
		}
	}
	if _, ok := body["explanation"]; !ok {
		if text := collapse(rest); text != "" {
			body["explanation"] = text
		}
	}
	if len(links) == 0 {
		add("subjects", "required", "surel tidak memuat tautan: tulis satu tautan per baris, misalnya https://t.me/kanal/123",
			"the e-mail holds no link: write one link a line, such as https://t.me/channel/123")
	}
	if _, ok := body["explanation"]; !ok {
		add("explanation", "required", "surel tidak memuat penjelasan: tulis alasannya dalam teks surel",
			"the e-mail holds no explanation: write the reason in the text of the e-mail")
	}
	if len(probs) > 0 {
		return nil, probs
	}
	subjects := make([]map[string]string, len(links))
	for i, l := range links {
		subjects[i] = map[string]string{"url": l}
	}
	body["subjects"] = subjects
	out, err := json.Marshal(body) // map keys sorted: the same message, the same bytes
	if err != nil {
		add("", "internal", "surel tidak dapat diubah menjadi pemberitahuan", "the e-mail could not be turned into a notice")
		return nil, probs
	}
	return out, nil
}

func normalise(s string) string {
	s = strings.ToLower(strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(s))
	return strings.Join(strings.Fields(s), " ")
}

// collapse joins the explanation's lines, trimmed at both ends, with runs of
// blank lines made one.
func collapse(lines []string) string {
	var out []string
	blank := false
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, strings.TrimRight(l, " \t"))
	}
	return strings.Join(out, "\n")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
