package i18n

// The words of the searches on a set's entries and the audit record, kept
// apart so the branch that added them merges cleanly; i18n.go joins them to
// the catalogues.
var (
	nightShiftEN = map[string]string{
		"flt.entries.search":   "Search the entries (part of a value or a source)",
		"flt.entries.no_match": "No entry matches this search.",
		"audit.search":         "Search (a person, an action or an object)",
		"audit.no_match":       "No audit entry matches this search in this period.",
	}
	nightShiftID = map[string]string{
		"flt.entries.search":   "Cari entri (sebagian nilai atau sumber)",
		"flt.entries.no_match": "Tidak ada entri yang cocok dengan pencarian ini.",
		"audit.search":         "Cari (orang, tindakan, atau objek)",
		"audit.no_match":       "Tidak ada catatan audit yang cocok dengan pencarian ini pada periode ini.",
	}
)
