package textnorm

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only separators", " .,!? \n\t", ""},
		{"case and punctuation", "Hello, World!", "hello world"},
		{"single spaces", "  bom   bunuh\n\ndiri  ", "bom bunuh diri"},
		{"fullwidth", "ｊｉｈａｄ", "jihad"},
		{"math bold and cyrillic", "ј𝗂һаd", "jihad"},
		{"circled", "ⓙⓘⓗⓐⓓ", "jihad"},
		{"negative squared", "🅹🅸🅷🅰🅳", "jihad"},
		{"zero width", "j\u200Bi\u200Ch\u200Da\uFEFFd", "jihad"},
		{"soft hyphen and bidi", "ji\u00ADha\u202Ed", "jihad"},
		{"control char", "bo\x01m", "bom"},
		{"diacritics precomposed", "jihâd naïve", "jihad naive"},
		{"diacritics combining", "jiha\u0301d", "jihad"},
		{"cyrillic ISIS", "ІЅІЅ", "isis"},
		{"greek homoglyphs", "ΒΟΜΒ", "bomb"},
		{"small capitals", "ᴊɪʜᴀᴅ", "jihad"},
		{"leet", "d4ul4h kh1l4f4h b0m", "daulah khilafah bom"},
		{"leet at and dollar", "j1h@d $yariah", "jihad syariah"},
		{"leading at is a mention", "@daulah_news", "daulah news"},
		{"plain numbers untouched", "tahun 2024 ada 100 orang", "tahun 2024 ada 100 orang"},
		{"number split from word", "jihad2024", "jihad 2024"},
		{"dollar amount", "$100", "100"},
		{"runs of three collapse", "bommmb jiiiihaaad", "bomb jihad"},
		{"doubles kept", "allah saat", "allah saat"},
		{"run after leet", "b000m", "bom"},
		{"letter spacing", "b o m b", "bomb"},
		{"letter dots", "b.o.m.b", "bomb"},
		{"letter dashes", "b-o-m-b", "bomb"},
		{"spacing with leet", "b 0 m", "bom"},
		{"spacing inside sentence", "ada b o m di sini", "ada bom di sini"},
		{"two singles stay", "i am a man", "i am a man"},
		{"single digits stay", "1 2 3", "1 2 3"},
		{"apostrophe joins", "Qur'an don’t", "quran dont"},
		{"hyphen splits", "anak-anak", "anak anak"},
		{"arabic tashkeel", "مُجَاهِد", "مجاهد"},
		{"arabic alef hamza", "الإسلامية أمير آمن", "الاسلاميه امير امن"},
		{"arabic alef wasla", "ٱلله", "الله"},
		{"arabic ya and ta marbuta", "الدولة مستشفى", "الدوله مستشفي"},
		{"arabic presentation forms", "ﺍﻟﺪﻭﻟﺔ", "الدوله"},
		{"arabic tatweel", "بيـــعة", "بيعه"},
		{"arabic bay'ah with harakat", "بَيْعَة", "بيعه"},
		{"arabic spaced letters", "ب ي ع ة", "بيعه"},
		{"arabic hamza on waw and ya", "مؤمن رئيس", "مومن رييس"},
		{"persian letters", "کی", "كي"},
		{"arabic indic digits", "١٢٣ ۴۵", "123 45"},
		{"ligature", "ﬁle", "file"},
		{"sharp s", "Straße", "strasse"},
		{"invalid utf8 separates", "bom\xffbunuh", "bom bunuh"},
		{"emoji separates", "bom💣bunuh", "bom bunuh"},
		{"mixed", "Ayo JIHAD!!! ke Suriah 🇸🇾 #ISIS", "ayo jihad ke suriah sy isis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestAppendKeepsPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct{ prefix, in, want string }{
		{"x:", "b o m b", "x:bomb"},
		{"", "a b c", "abc"},
		{"prefix ", "  jihad  ", "prefix jihad"},
	}
	for _, tt := range tests {
		got := string(Append([]byte(tt.prefix), []byte(tt.in)))
		if got != tt.want {
			t.Errorf("Append(%q, %q) = %q, want %q", tt.prefix, tt.in, got, tt.want)
		}
	}
}

// TestTableFixedPoint checks the property idempotence rests on: every rune the
// table outputs folds to itself.
func TestTableFixedPoint(t *testing.T) {
	t.Parallel()
	tb := loadTables()
	check := func(r rune, u entry) {
		if u.kind() != kLetter {
			return
		}
		out := u.val()
		if !utf8.ValidRune(out) {
			t.Fatalf("rune %U folds to invalid rune %U", r, out)
		}
		if out < tableSize && tb.t[out] != mk(kLetter, out) {
			t.Errorf("rune %U folds to %U, which folds again (%#x)", r, out, tb.t[out])
		}
	}
	for r, e := range tb.t {
		if e.kind() == kMulti {
			for _, u := range tb.multi[e.val()] {
				if u.kind() == kMulti || u.kind() == kDrop {
					t.Fatalf("rune %U: nested multi or drop unit", r)
				}
				check(rune(r), u)
			}
			continue
		}
		check(rune(r), e)
	}
}

func TestOutputShape(t *testing.T) {
	t.Parallel()
	inputs := []string{"a", " a ", "a\u200B", "\u200B", "@", "$", "@@@", "1@", "a 1 2", "x y aaaa", "aaa a a"}
	for _, in := range inputs {
		out := Normalize(in)
		if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
			t.Errorf("Normalize(%q) = %q: bad spacing", in, out)
		}
	}
}
