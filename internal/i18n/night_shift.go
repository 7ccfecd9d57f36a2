package i18n

// The words of the searches on a set's entries and the audit record, and of
// the dashboard's first steps for a new portal, kept apart so the branch
// that added them merges cleanly; i18n.go joins them to the catalogues.
var (
	nightShiftEN = map[string]string{
		"flt.entries.search":   "Search the entries (part of a value or a source)",
		"flt.entries.no_match": "No entry matches this search.",
		"audit.search":         "Search (a person, an action or an object)",
		"audit.no_match":       "No audit entry matches this search in this period.",
		"first.title":          "First steps",
		"admin.err.same_name":  "An organisation of this kind is already called “%s”; open it from the list instead of making a second one.",
		"first.authority":      "No authority is registered yet: add the ministry's organisation and its officers, who then get a one-time link to set a password.",
		"first.authority_do":   "Add an organisation",
		"first.reviewers":      "You are the platform's only person: add the reviewers who will work the queue.",
		"first.reviewers_do":   "Add people to the platform",
		"first.notice":         "Your organisation has filed no notice yet. An order for terrorist content gets its legal clock and a signed receipt as soon as it is sent.",
		"first.notice_do":      "File a notice",
	}
	nightShiftID = map[string]string{
		"flt.entries.search":   "Cari entri (sebagian nilai atau sumber)",
		"flt.entries.no_match": "Tidak ada entri yang cocok dengan pencarian ini.",
		"audit.search":         "Cari (orang, tindakan, atau objek)",
		"audit.no_match":       "Tidak ada catatan audit yang cocok dengan pencarian ini pada periode ini.",
		"first.title":          "Langkah pertama",
		"admin.err.same_name":  "Sudah ada organisasi jenis ini bernama “%s”; buka dari daftar alih-alih membuat yang kedua.",
		"first.authority":      "Belum ada otoritas yang terdaftar: tambahkan organisasi kementerian dan petugasnya, yang lalu menerima tautan sekali pakai untuk membuat kata sandi.",
		"first.authority_do":   "Tambah organisasi",
		"first.reviewers":      "Anda satu-satunya orang di platform: tambahkan peninjau yang akan mengerjakan antrean.",
		"first.reviewers_do":   "Tambah orang ke platform",
		"first.notice":         "Organisasi Anda belum mengajukan pemberitahuan. Perintah atas konten terorisme mendapat jam hukum dan tanda terima bertanda tangan begitu dikirim.",
		"first.notice_do":      "Ajukan pemberitahuan",
	}
)
