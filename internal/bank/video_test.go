package bank_test

import (
	"encoding/base64"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/bank"
	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/tmk"
)

// tmkFile is a well-formed .tmk file of the reference's shape, with made-up values.
func tmkFile(t *testing.T) []byte {
	t.Helper()
	const periods, coefs, dim = 4, 32, 256
	f := &tmk.Features{Algorithm: [4]byte{'P', 'D', 'Q', 'F'}, FramesPerSecond: 15, FrameCount: 300,
		Periods: []int32{2731, 4391, 9767, 14653}, Coefficients: make([]float32, coefs), Average: make([]float32, dim),
		Cos: make([]float32, periods*coefs*dim), Sin: make([]float32, periods*coefs*dim)}
	for i := range f.Coefficients {
		f.Coefficients[i] = 0.1
	}
	for i := range f.Average {
		f.Average[i] = float32(i%7) - 3
	}
	for i := range f.Cos {
		f.Cos[i], f.Sin[i] = float32(i%5)/5, float32(i%3)/3
	}
	b, err := f.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	hexA = "e6cf059c4c6696362cc9d6663cd9c263714169d98327399993363d9c3d9cc666"
	hexB = "e6cf059c4c6696362cc9d66638d9c263716169d98327399993363d9c3d9cc666"
)

func TestNormalizeVideoValues(t *testing.T) {
	t.Parallel()
	file := tmkFile(t)
	b64 := base64.StdEncoding.EncodeToString(file)
	for _, tc := range []struct {
		name, typ, value string
		want             string // canonical value, or "" when refused
		reason           string // part of the refusal
	}{
		{"vpdq lines", bank.TypeVPDQ, "0,100," + strings.ToUpper(hexA) + ",0.000\n\n1,90," + hexB + ",0.033\n",
			"0,100," + hexA + ",0.000\n1,90," + hexB + ",0.033\n", ""},
		{"vpdq compact form", bank.TypeVPDQ, hexA + ",100,0.000\n" + hexB + ",90,0.5",
			"0,100," + hexA + ",0.000\n1,90," + hexB + ",0.500\n", ""},
		{"vpdq bad hex", bank.TypeVPDQ, "0,100," + strings.Repeat("z", 64) + ",0.000", "", "vpdq"},
		{"vpdq no frame of quality", bank.TypeVPDQ, "0,49," + hexA + ",0.000\n1,10," + hexB + ",0.033", "", "no frame of quality 50"},
		{"vpdq empty", bank.TypeVPDQ, "  \n", "", "vpdq"},
		{"tmk", bank.TypeTMK, b64, b64, ""},
		{"tmk url alphabet without padding, wrapped", bank.TypeTMK, strings.TrimRight(base64.URLEncoding.EncodeToString(file), "=")[:100] + "\n" +
			strings.TrimRight(base64.URLEncoding.EncodeToString(file), "=")[100:], b64, ""},
		{"tmk one byte short", bank.TypeTMK, base64.StdEncoding.EncodeToString(file[:len(file)-1]), "", "tmk"},
		{"tmk trailing byte", bank.TypeTMK, base64.StdEncoding.EncodeToString(append(file[:len(file):len(file)], 0)), "", "trailing"},
		{"tmk not base64", bank.TypeTMK, "not base64 at all!", "", "base64"},
		{"tmk of another algorithm", bank.TypeTMK, base64.StdEncoding.EncodeToString(append([]byte("TMK1FVECXXXX"), file[12:]...)), "", "PDQF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := bank.NormalizeValue(tc.typ, tc.value)
			if tc.want == "" {
				if !errors.Is(err, bank.ErrBadValue) || !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("NormalizeValue = %.60q, %v; want a refusal saying %q", got, err, tc.reason)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("NormalizeValue = %.80q, %v; want %.80q", got, err, tc.want)
			}
			again, err := bank.NormalizeValue(tc.typ, got)
			if err != nil || again != got {
				t.Errorf("canonical form is not stable: %v", err)
			}
		})
	}
}

func TestMatchKeys(t *testing.T) {
	t.Parallel()
	k := bank.Kind{}
	v1, _ := bank.NormalizeValue(bank.TypeVPDQ, "0,100,"+hexA+",0.000")
	v2, _ := bank.NormalizeValue(bank.TypeVPDQ, hexA+",100,0")
	if v1 != v2 || k.MatchKey("", bank.TypeVPDQ, v1) != k.MatchKey("", bank.TypeVPDQ, v2) || !strings.HasPrefix(k.MatchKey("", bank.TypeVPDQ, v1), "vpdq:") {
		t.Errorf("the same vpdq written two ways: %q %q", k.MatchKey("", bank.TypeVPDQ, v1), k.MatchKey("", bank.TypeVPDQ, v2))
	}
	v3, _ := bank.NormalizeValue(bank.TypeVPDQ, "0,100,"+hexB+",0.000")
	if k.MatchKey("", bank.TypeVPDQ, v3) == k.MatchKey("", bank.TypeVPDQ, v1) {
		t.Error("two videos share a match key")
	}
	if k.MatchKey("", bank.TypePDQ, hexA) != "" {
		t.Error("a PDQ entry got a match key; banks find those by value")
	}
}

// TestImportVideoDumps: ThreatExchange, HMA and GIFCT-style dumps carrying
// video hashes import them; types banks do not hold are skipped by name.
func TestImportVideoDumps(t *testing.T) {
	t.Parallel()
	b64 := base64.StdEncoding.EncodeToString(tmkFile(t))
	md5 := strings.Repeat("ab", 16)
	sha512 := strings.Repeat("cd", 64)
	vp := "0,100," + hexA + ",0.000\n1,100," + hexB + ",0.033"
	for _, tc := range []struct {
		name, format, body string
		want               map[string]int // our types
		skip               map[string]int
	}{
		{"threatexchange descriptors", "", `{"data":[{"type":"HASH_TMK","raw_indicator":"` + b64 + `"},{"type":"HASH_VIDEO_MD5","raw_indicator":"` + md5 + `"},` +
			`{"type":"HASH_SHA512","raw_indicator":"` + sha512 + `"},{"type":"HASH_SHA512","raw_indicator":"` + sha512 + `"}]}`,
			map[string]int{bank.TypeTMK: 1, bank.TypeMD5: 1}, map[string]int{"sha512": 2}},
		{"hma signal records", "", `[{"signal_type":"video_tmk_pdqf","signal":"` + b64 + `"},{"signal_type":"vpdq","signal":` + jsonString(vp) + `},{"signal_type":"video_md5","signal":"` + md5 + `"}]`,
			map[string]int{bank.TypeTMK: 1, bank.TypeVPDQ: 1, bank.TypeMD5: 1}, nil},
		{"hma signal map with a sha512 key", "", `{"vpdq":[` + jsonString(vp) + `],"sha512":["` + sha512 + `"]}`,
			map[string]int{bank.TypeVPDQ: 1}, map[string]int{"sha512": 1}},
		{"gifct style records", "", `[{"hash_type":"TMK+PDQF","hash_value":"` + b64 + `"},{"hash_type":"MD5","hash_value":"` + md5 + `"},{"hash_type":"SHA-512","hash_value":"` + sha512 + `"},{"hash_type":"vPDQ","hash_value":` + jsonString(vp) + `}]`,
			map[string]int{bank.TypeTMK: 1, bank.TypeMD5: 1, bank.TypeVPDQ: 1}, map[string]int{"sha512": 1}},
		{"gifct style csv", "csv", "type,value\nTMK+PDQF," + b64 + "\nSHA-512," + sha512 + "\nvpdq,\"" + vp + "\"\nsha1," + strings.Repeat("e", 40) + "\n",
			map[string]int{bank.TypeTMK: 1, bank.TypeVPDQ: 1}, map[string]int{"sha512": 1, "sha1": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			items, err := bank.Kind{}.ParseImport([]byte(tc.body), tc.format, "", "")
			if err != nil {
				t.Fatal(err)
			}
			got, skip := map[string]int{}, map[string]int{}
			for _, it := range items {
				if typ, skipped := (bank.Kind{}).SkipImport(it); skipped {
					skip[typ]++
					continue
				}
				var v filterset.Validator
				(bank.Kind{}).CheckEntry(&v, storeSet(), "", &it)
				if err := v.Err(); err != nil {
					t.Errorf("%s refused: %v", it.Type, err)
				}
				got[it.Type]++
			}
			if !maps.Equal(got, tc.want) || !maps.Equal(skip, tc.skip) {
				t.Errorf("kept %v skipped %v; want %v and %v", got, skip, tc.want, tc.skip)
			}
		})
	}
}

func jsonString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func storeSet() store.FilterSet { return store.FilterSet{ID: "bnk_x", Kind: "hash"} }

func TestSkipImport(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ, want string
		skip      bool
	}{
		{"sha512", "sha512", true}, {"SHA-512", "sha512", true}, {"HASH_SHA512", "sha512", true}, {"sha-1", "sha1", true},
		{"Something Else", "something else", true}, {bank.TypePDQ, "", false}, {bank.TypeTMK, "", false}, {"", "", false}, {"  ", "", false},
	} {
		got, skip := bank.Kind{}.SkipImport(filterset.Item{Type: tc.typ, Value: "x"})
		if got != tc.want || skip != tc.skip {
			t.Errorf("SkipImport(%q) = %q, %v; want %q, %v", tc.typ, got, skip, tc.want, tc.skip)
		}
	}
}

// TestParseJSONRecordFields: of the fields the record shapes share, the
// first one a record fills gives the entry's value and type, as documented
// per format; an indicator object's type counts only where its value is used.
func TestParseJSONRecordFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, record string
		want         filterset.Item
	}{
		{"hma signal first", `{"signal_type":"md5","signal":"a1","signal_value":"b2","value":"c3"}`, filterset.Item{Type: "md5", Value: "a1"}},
		{"hma signal_value", `{"signal_type":"md5","signal_value":"b2","raw_indicator":"c3"}`, filterset.Item{Type: "md5", Value: "b2"}},
		{"threatexchange descriptor", `{"type":"HASH_MD5","raw_indicator":"c3","hash_type":"sha256","hash_value":"d4"}`, filterset.Item{Type: "md5", Value: "c3"}},
		{"indicator string", `{"type":"HASH_MD5","indicator":"e5","value":"f6"}`, filterset.Item{Type: "md5", Value: "e5"}},
		{"indicator object", `{"indicator":{"indicator":"e5","type":"HASH_MD5"},"hash_type":"sha256"}`, filterset.Item{Type: "md5", Value: "e5"}},
		{"indicator object type unused", `{"signal":"a1","indicator":{"indicator":"e5","type":"HASH_MD5"},"hash_type":"sha256"}`, filterset.Item{Type: "sha256", Value: "a1"}},
		{"indicator object under a type", `{"type":"HASH_SHA256","indicator":{"indicator":"e5","type":"HASH_MD5"}}`, filterset.Item{Type: "sha256", Value: "e5"}},
		{"value", `{"type":"HASH_MD5","value":"f6","hash_value":"d4"}`, filterset.Item{Type: "md5", Value: "f6"}},
		{"gifct", `{"hash_type":"MD5","hash_value":"d4","source":"gifct","case_id":"c-1"}`, filterset.Item{Type: "md5", Value: "d4", Source: "gifct", CaseID: "c-1"}},
		{"threatexchange owner", `{"type":"HASH_MD5","raw_indicator":"c3","owner":{"name":"Meta"}}`, filterset.Item{Type: "md5", Value: "c3", Source: "threatexchange:Meta"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			items, err := bank.Parse(strings.NewReader("["+tc.record+"]"), "json")
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 || items[0] != tc.want {
				t.Errorf("Parse(%s) = %+v, want [%+v]", tc.record, items, tc.want)
			}
		})
	}
}
