package notice

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// RegimeTCO is the regime whose removal orders carry the Annex I fields.
const RegimeTCO = "EU-TCO"

// TCOReasons are Annex I section B's reasons, Art. 2(7)(a) to (e) of
// Regulation (EU) 2021/784: material that incites, solicits the commission,
// solicits participation in a group, instructs on weapons or methods, or
// threatens to commit a terrorist offence.
var TCOReasons = []string{"incitement", "solicitation", "participation", "instruction", "threat"}

// TCOAuthorityTypes are Annex I section E's kinds of issuing authority.
var TCOAuthorityTypes = []string{"judicial", "law_enforcement", "other"}

// TCO is an EU-TCO removal order's Annex I fields beyond what every notice
// has (the reference number is the notice's reference, the URLs its subjects).
type TCO struct {
	// Section A.
	IssuingMemberState string    `json:"issuing_member_state"`
	IssuedAt           time.Time `json:"issued_at"`
	// Section B.
	Reasons           []string `json:"reasons"`
	AdditionalReasons string   `json:"additional_reasons,omitempty"`
	// Section C: Art. 11(3), the provider is not told for reasons of public security.
	WithholdFromProvider bool `json:"withhold_from_provider"`
	// Section D: a copy went to the authority of the host Member State (Art. 4).
	HostAuthorityCopied bool `json:"host_authority_copied"`
	// Section E.
	IssuingAuthority TCOAuthority `json:"issuing_authority"`
	// Section F.
	FollowUp *TCOContact `json:"follow_up,omitempty"`
	// Section G.
	Redress *TCORedress `json:"redress,omitempty"`
}

// TCOAuthority is Annex I section E.
type TCOAuthority struct {
	Type           string `json:"type"`
	Name           string `json:"name"`
	Representative string `json:"representative,omitempty"`
	Post           string `json:"post,omitempty"`
	FileNumber     string `json:"file_number,omitempty"`
	Address        string `json:"address,omitempty"`
	Phone          string `json:"phone,omitempty"`
	Email          string `json:"email,omitempty"`
}

// TCOContact is Annex I section F.
type TCOContact struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// TCORedress is Annex I section G.
type TCORedress struct {
	Body      string `json:"body"`
	Deadline  string `json:"deadline,omitempty"`
	Procedure string `json:"procedure,omitempty"`
	LawURL    string `json:"law_url,omitempty"`
}

// tco reads an EU-TCO removal order's Annex I fields: only a binding order
// under EU-TCO carries them, and each is checked.
func (v *validator) tco(w wire, r *Request) {
	raw, ok := w["tco"]
	if !ok || string(raw) == "null" {
		return
	}
	if !Binding(r.Kind) || r.Regime != RegimeTCO {
		v.add("tco", "not_allowed", "tco hanya untuk perintah penghapusan EU-TCO / tco belongs to an EU-TCO removal order (kind order, regime EU-TCO) only")
		return
	}
	var t TCO
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		v.add("tco", "wrong_type", "tco tidak sesuai formulir Annex I / tco does not fit the Annex I object: "+err.Error())
		return
	}
	if !territoryRe.MatchString(t.IssuingMemberState) {
		v.add("tco.issuing_member_state", "invalid", "kode ISO 3166-1 alpha-2 huruf besar / an upper-case ISO 3166-1 alpha-2 code such as DE")
	}
	if t.IssuedAt.IsZero() {
		v.add("tco.issued_at", "required", "waktu penerbitan wajib / issued_at (Annex I section A) is required")
	}
	if len(t.Reasons) == 0 {
		v.add("tco.reasons", "required", "pilih sedikitnya satu alasan / give at least one reason: "+strings.Join(TCOReasons, ", "))
	}
	for i, x := range t.Reasons {
		if !slices.Contains(TCOReasons, x) {
			v.add(fmt.Sprintf("tco.reasons[%d]", i), "unknown_value", fmt.Sprintf("%q bukan alasan Pasal 2(7) / is not one of: %s", x, strings.Join(TCOReasons, ", ")))
		}
	}
	if !slices.Contains(TCOAuthorityTypes, t.IssuingAuthority.Type) {
		v.add("tco.issuing_authority.type", "unknown_value", "jenis otoritas / type is one of: "+strings.Join(TCOAuthorityTypes, ", "))
	}
	if strings.TrimSpace(t.IssuingAuthority.Name) == "" {
		v.add("tco.issuing_authority.name", "required", "nama otoritas penerbit wajib / the issuing authority's name is required")
	}
	texts := map[string]string{"tco.additional_reasons": t.AdditionalReasons, "tco.issuing_authority.name": t.IssuingAuthority.Name,
		"tco.issuing_authority.representative": t.IssuingAuthority.Representative, "tco.issuing_authority.post": t.IssuingAuthority.Post,
		"tco.issuing_authority.file_number": t.IssuingAuthority.FileNumber, "tco.issuing_authority.address": t.IssuingAuthority.Address,
		"tco.issuing_authority.phone": t.IssuingAuthority.Phone}
	emails := map[string]string{"tco.issuing_authority.email": t.IssuingAuthority.Email}
	if f := t.FollowUp; f != nil {
		texts["tco.follow_up.name"], texts["tco.follow_up.phone"], emails["tco.follow_up.email"] = f.Name, f.Phone, f.Email
	}
	if g := t.Redress; g != nil {
		texts["tco.redress.body"], texts["tco.redress.deadline"], texts["tco.redress.procedure"] = g.Body, g.Deadline, g.Procedure
		if u, err := url.Parse(g.LawURL); g.LawURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			v.add("tco.redress.law_url", "invalid", "alamat http(s) / an http(s) address")
		}
	}
	for _, field := range sortedKeys(texts) {
		if s := texts[field]; utf8.RuneCountInString(s) > MaxShortField || strings.ContainsFunc(s, isBadControl) {
			v.add(field, "invalid", fmt.Sprintf("paling banyak %d karakter tanpa karakter kendali / at most %d characters, no control characters", MaxShortField, MaxShortField))
		}
	}
	for _, field := range sortedKeys(emails) {
		if e := emails[field]; e != "" {
			if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
				v.add(field, "invalid", fmt.Sprintf("%q bukan alamat e-mail / is not an e-mail address", e))
			}
		}
	}
	t.IssuedAt = t.IssuedAt.UTC().Truncate(time.Millisecond)
	r.TCO = &t
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
