package i18n

import "maps"

// The strings of e-mail intake (replies by return mail and the portal's
// section of registered senders) are kept apart from the two catalogues so
// that the feature's strings read together; init merges them in.
var (
	englishMail = map[string]string{
		"mail.accepted":       "Your e-mail was received as notice %s and its receipt is signed.",
		"mail.reference":      "Reference",
		"mail.subjects":       "Links",
		"mail.due":            "Deadline",
		"mail.link":           "In the portal",
		"mail.receipt":        "The signed receipt is attached as receipt.json; check it with: sigap receipt verify --keys keys.json receipt.json",
		"mail.refused":        "Your e-mail was NOT received as a notice, and nothing was stored, because:",
		"mail.refused_after":  "Correct the e-mail and send it again as a new e-mail. The format is in docs/email.md.",
		"mail.senders":        "E-mail senders",
		"mail.senders_intro":  "Officials whose DKIM-signed e-mail from these addresses becomes a notice of this organisation.",
		"mail.senders_none":   "No sender is registered.",
		"mail.address":        "Address",
		"mail.dkim_domain":    "DKIM domain (d=)",
		"mail.dkim_selector":  "DKIM selector (s=)",
		"mail.dkim_key":       "DKIM public key (base64 of DER)",
		"mail.add_sender":     "Register sender",
		"mail.remove_sender":  "Remove",
		"mail.sender_added":   "The sender is registered.",
		"mail.sender_removed": "The sender is removed.",
		"mail.field.address":  "Address", "mail.field.dkim_domain": "DKIM domain", "mail.field.dkim_selector": "DKIM selector",
		"mail.field.dkim_public_key": "DKIM public key", "mail.field.org_id": "Organisation",
		"mail.err.required": "required", "mail.err.invalid": "not valid (see docs/email.md)",
		"mail.err.not_aligned": "the address must be under the DKIM domain", "mail.err.conflict": "already a registered sender",
		"mail.err.not_authority":        "only an authority's officials send notices by e-mail",
		"audit.act.mail_sender.added":   "e-mail sender registered",
		"audit.act.mail_sender.removed": "e-mail sender removed",
	}
	indonesianMail = map[string]string{
		"mail.accepted":       "Surel Anda diterima sebagai pemberitahuan %s dan tanda terimanya telah ditandatangani.",
		"mail.reference":      "Referensi",
		"mail.subjects":       "Tautan",
		"mail.due":            "Tenggat",
		"mail.link":           "Di portal",
		"mail.receipt":        "Tanda terima bertanda tangan terlampir sebagai receipt.json; periksa dengan: sigap receipt verify --keys keys.json receipt.json",
		"mail.refused":        "Surel Anda TIDAK diterima sebagai pemberitahuan, dan tidak ada yang disimpan, karena:",
		"mail.refused_after":  "Perbaiki surel lalu kirim lagi sebagai surel baru. Formatnya ada di docs/email.md.",
		"mail.senders":        "Pengirim surel",
		"mail.senders_intro":  "Pejabat yang surelnya, bertanda tangan DKIM dari alamat ini, menjadi pemberitahuan organisasi ini.",
		"mail.senders_none":   "Belum ada pengirim terdaftar.",
		"mail.address":        "Alamat",
		"mail.dkim_domain":    "Domain DKIM (d=)",
		"mail.dkim_selector":  "Selektor DKIM (s=)",
		"mail.dkim_key":       "Kunci publik DKIM (base64 dari DER)",
		"mail.add_sender":     "Daftarkan pengirim",
		"mail.remove_sender":  "Hapus",
		"mail.sender_added":   "Pengirim telah didaftarkan.",
		"mail.sender_removed": "Pengirim telah dihapus.",
		"mail.field.address":  "Alamat", "mail.field.dkim_domain": "Domain DKIM", "mail.field.dkim_selector": "Selektor DKIM",
		"mail.field.dkim_public_key": "Kunci publik DKIM", "mail.field.org_id": "Organisasi",
		"mail.err.required": "wajib diisi", "mail.err.invalid": "tidak sah (lihat docs/email.md)",
		"mail.err.not_aligned": "alamat harus berada di bawah domain DKIM", "mail.err.conflict": "sudah menjadi pengirim terdaftar",
		"mail.err.not_authority":        "hanya pejabat otoritas yang mengirim pemberitahuan lewat surel",
		"audit.act.mail_sender.added":   "pengirim surel didaftarkan",
		"audit.act.mail_sender.removed": "pengirim surel dihapus",
	}
)

func init() {
	maps.Copy(english, englishMail)
	maps.Copy(indonesian, indonesianMail)
}
