package dsasor_test

import (
	"testing"

	"github.com/sigap/sigap/internal/dsasor"
)

// BenchmarkBuildAndValidate is the export's work per decision: build the
// statement, then validate it (JSON encode, decode, every field and rule).
func BenchmarkBuildAndValidate(b *testing.B) {
	bld, v := dsasor.NewBuilder(key, ""), dsasor.Default()
	d := decision()
	d.Reasons = "The post at https://t.me/s/somechannel/123 by @somechannel calls for attacks on named places; somechannel recruits fighters."
	b.ReportAllocs()
	for b.Loop() {
		if err := v.ValidateStatement(bld.Build(d)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	v, m := dsasor.Default(), base()
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate(m); err != nil {
			b.Fatal(err)
		}
	}
}
