package i18n

import "testing"

func TestPartsDisjoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang        string
		main, other map[string]string
	}{{EN, english, englishPortal}, {ID, indonesian, indonesianPortal}} {
		for k := range tc.other {
			if _, ok := tc.main[k]; ok {
				t.Errorf("%s: key %q is in two parts of the catalogue", tc.lang, k)
			}
		}
	}
}
