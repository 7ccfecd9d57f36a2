package notice

import (
	"slices"

	"github.com/sigap/sigap/internal/dsasor"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
)

// The kinds of notice.
const (
	KindOrder    = "order"
	KindReferral = "referral"
	KindFlag     = "flag"
	KindReport   = "report"
	// KindPreservation asks the platform to keep the subject's data for
	// some days (preserve_days); the platform confirms it, and the evidence
	// machinery keeps and purges it.
	KindPreservation = "preservation"
	// KindEmergency is a threat to life or safety: its own lane above
	// orders, the policy's emergency clock, the on-call contact paged at once.
	KindEmergency = "emergency"
)

// KindSpec is everything sigap decides by a notice's kind. Adding a kind is a
// row in kinds, its labels in internal/i18n (and in internal/report's
// catalogue), and its name in the OpenAPI document's enums; validation,
// lanes, deadlines, reports and statements of reasons read the row.
type KindSpec struct {
	// Name is the kind as the contract spells it.
	Name string
	// Senders are the org kinds that may send it; a platform files a user's report.
	Senders []org.Kind
	// Lane is the review lane it goes to (a flagger's out-of-scope flag moves to the standard lane).
	Lane string
	// Binding marks an authority's binding order: it gets the regime's order
	// class, may be objected to, escalates when urgent, and is what the SAMAN
	// ledger and the TCO report count.
	Binding bool
	// NeedsLegalBasis and NeedsGoodFaith are the fields the kind requires.
	NeedsLegalBasis, NeedsGoodFaith bool
	// DSASource is the source a decision it started has in a statement of reasons.
	DSASource string
	// DSARank orders sources on a case with several kinds: the lowest rank names the source.
	DSARank int
	// Class, when set, is the deadline class the kind gets under every
	// regime, its clock from the policy file's requests section.
	Class string
	// PageAtOnce pages the on-call contact as the notice is stored.
	PageAtOnce bool
	// ReportAs is the source transparency reports count it under, when not
	// its own name: an authority's preservation and emergency requests are
	// orders in the DSA's and the TCO's reporting (Art. 15(1)(a) DSA).
	ReportAs string
}

// kinds is the table of notice kinds, in the contract's order.
var kinds = []KindSpec{
	{Name: KindOrder, Senders: []org.Kind{org.KindAuthority}, Lane: LaneOrder, Binding: true,
		NeedsLegalBasis: true, DSASource: dsasor.SourceOrder, DSARank: 0},
	{Name: KindReferral, Senders: []org.Kind{org.KindAuthority}, Lane: LaneTrusted,
		DSASource: dsasor.SourceReferral, DSARank: 2},
	{Name: KindFlag, Senders: []org.Kind{org.KindFlagger}, Lane: LaneTrusted, NeedsGoodFaith: true,
		DSASource: dsasor.SourceTrustedFlagger, DSARank: 1},
	{Name: KindReport, Senders: []org.Kind{org.KindPlatform}, Lane: LaneStandard, NeedsGoodFaith: true,
		DSASource: dsasor.SourceNotice, DSARank: 3},
	{Name: KindPreservation, Senders: []org.Kind{org.KindAuthority}, Lane: LaneOrder, NeedsLegalBasis: true,
		DSASource: dsasor.SourceOrder, DSARank: 4, Class: policy.ClassPreservation, ReportAs: KindOrder},
	{Name: KindEmergency, Senders: []org.Kind{org.KindAuthority}, Lane: LaneEmergency,
		DSASource: dsasor.SourceOrder, DSARank: -1, Class: policy.ClassEmergency, PageAtOnce: true, ReportAs: KindOrder},
}

// Kinds lists the notice kinds of the contract.
var Kinds = KindNames()

// KindNames lists the kind names in the contract's order, as a new slice.
func KindNames() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.Name
	}
	return out
}

// Specs lists every kind's spec in the contract's order, as a new slice.
func Specs() []KindSpec {
	out := slices.Clone(kinds)
	for i := range out {
		out[i].Senders = slices.Clone(out[i].Senders)
	}
	return out
}

// Spec returns the spec of kind; ok is false for a kind that is not in the table.
func Spec(kind string) (spec KindSpec, ok bool) {
	for _, k := range kinds {
		if k.Name == kind {
			k.Senders = slices.Clone(k.Senders)
			return k, true
		}
	}
	return KindSpec{}, false
}

// ReportSource is the source transparency reports count a notice of kind
// under: its ReportAs, else the kind itself.
func ReportSource(kind string) string {
	if s, ok := Spec(kind); ok && s.ReportAs != "" {
		return s.ReportAs
	}
	return kind
}

// ReportSources lists the sources reports count notices under, in the kind
// table's order, each once.
func ReportSources() []string {
	var out []string
	for _, k := range kinds {
		if k.ReportAs == "" {
			out = append(out, k.Name)
		}
	}
	return out
}

// SentBy reports whether an org of kind k may send notices of this kind.
func (s KindSpec) SentBy(k org.Kind) bool { return slices.Contains(s.Senders, k) }

// KindsFor lists the notice kinds an org of kind k may send, in the contract's order.
func KindsFor(k org.Kind) []string {
	var out []string
	for _, s := range kinds {
		if s.SentBy(k) {
			out = append(out, s.Name)
		}
	}
	return out
}

// Binding reports whether notices of kind are binding orders.
func Binding(kind string) bool {
	s, _ := Spec(kind)
	return s.Binding
}

// BindingKinds lists the kinds that are binding orders.
func BindingKinds() []string {
	var out []string
	for _, s := range kinds {
		if s.Binding {
			out = append(out, s.Name)
		}
	}
	return out
}

// LaneFor is the lane a notice of this kind goes to; an unknown kind goes to the standard lane.
func LaneFor(kind string) string {
	if s, ok := Spec(kind); ok {
		return s.Lane
	}
	return LaneStandard
}
