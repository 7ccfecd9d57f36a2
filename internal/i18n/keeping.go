package i18n

// The strings of documents kept under the evidence rules and of outbound
// mail on the outbox page, kept apart so that merges of the two catalogues
// stay clean; i18n.go joins them.
var (
	englishKeeping = map[string]string{
		"doc.kept": "Kept until", "doc.purged_at": "File purged", "doc.held": "Legal hold until",
		"doc.purged":        "This document's retention ended and its file was purged; its name, size and SHA-256 stay on the notice, in its receipt and in the log.",
		"ob.mail":           "Replies by e-mail",
		"ob.mail_intro":     "Receipts and refusals going back to officials by return mail (docs/email.md): each is tried again with backoff until it is sent or dead-lettered.",
		"ob.mail_empty":     "No reply by e-mail is waiting or has failed.",
		"ob.mail_to":        "To",
		"ob.mail_subject":   "Subject",
		"ob.mail_notice":    "Notice",
		"ob.mail_refusal":   "refusal",
		"ob.mstate.pending": "pending", "ob.mstate.failing": "failing", "ob.mstate.sent": "sent", "ob.mstate.dead": "dead",
	}
	indonesianKeeping = map[string]string{
		"doc.kept": "Disimpan sampai", "doc.purged_at": "Berkas dihapus", "doc.held": "Ditahan secara hukum sampai",
		"doc.purged":        "Masa simpan dokumen ini berakhir dan berkasnya telah dihapus; nama, ukuran dan SHA-256-nya tetap ada pada pemberitahuan, tanda terimanya dan log.",
		"ob.mail":           "Balasan lewat surel",
		"ob.mail_intro":     "Tanda terima dan penolakan yang dikirim balik ke pejabat lewat surel (docs/email.md): masing-masing dicoba lagi dengan jeda hingga terkirim atau masuk antrean mati.",
		"ob.mail_empty":     "Tidak ada balasan surel yang menunggu atau gagal.",
		"ob.mail_to":        "Kepada",
		"ob.mail_subject":   "Perihal",
		"ob.mail_notice":    "Pemberitahuan",
		"ob.mail_refusal":   "penolakan",
		"ob.mstate.pending": "menunggu", "ob.mstate.failing": "gagal, dicoba lagi", "ob.mstate.sent": "terkirim", "ob.mstate.dead": "mati",
	}
)
