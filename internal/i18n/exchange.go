package i18n

// The exchange page's texts (docs/exchange.md), kept apart from the main
// catalogues so the feature's words stay together; i18n.go joins them to the catalogues.
var exchangeEN = map[string]string{
	"nav.exchange":     "Exchange",
	"ex.title":         "Exchange with other platforms",
	"ex.intro":         "Banks and lists shared with this server as signed feeds, the shares of this server's own sets, and the entries subscribers reported. A subscribed copy changes only as its feed does.",
	"ex.subscriptions": "Subscriptions", "ex.no_subscriptions": "No subscriptions yet. Subscribe with POST /v1/subscriptions (see the documentation).",
	"ex.name": "Name", "ex.source": "Source", "ex.state": "State", "ex.events": "Events", "ex.last_success": "Last success",
	"ex.last_error": "Last error", "ex.next_poll": "Next poll", "ex.poll_now": "Poll now", "ex.every": "every",
	"ex.lag": "behind by", "ex.skipped": "skipped", "ex.failures": "failures in a row:", "ex.never": "never",
	"ex.format.sigap": "sigap feed", "ex.format.threatexchange": "ThreatExchange",
	"ex.st.ok": "current", "ex.st.syncing": "catching up", "ex.st.failing": "failing", "ex.st.tampered": "refused: history rewritten",
	"ex.reported":      "Entries reported by subscribers",
	"ex.reported_hint": "False positives first. Withdrawing an entry removes it from its set; the removal reaches every subscriber at its next poll.",
	"ex.set":           "Set", "ex.entry": "Entry", "ex.subscriber": "Subscriber", "ex.verdict": "Verdict", "ex.count": "Count",
	"ex.last_at": "Last", "ex.withdraw": "Withdraw", "ex.withdrawn_already": "withdrawn",
	"ex.verdict.false_positive": "false positive", "ex.verdict.true_positive": "true positive", "ex.verdict.seen": "seen",
	"ex.none_reported": "No subscriber has reported an entry.", "ex.shares": "Shares of this server's sets",
	"ex.no_shares": "No set is shared.", "ex.last_read": "Last read", "ex.priority": "priority poll",
	"ex.revoked": "revoked", "ex.live": "live", "ex.polled": "The subscription polls now.",
	"ex.withdrawn": "The entry was withdrawn; subscribers' copies lose it at their next poll.",
}

var exchangeID = map[string]string{
	"nav.exchange":     "Pertukaran",
	"ex.title":         "Pertukaran dengan platform lain",
	"ex.intro":         "Bank dan daftar yang dibagikan ke server ini sebagai feed bertanda tangan, share set milik server ini, dan entri yang dilaporkan pelanggan. Salinan langganan hanya berubah mengikuti feed-nya.",
	"ex.subscriptions": "Langganan", "ex.no_subscriptions": "Belum ada langganan. Berlangganan dengan POST /v1/subscriptions (lihat dokumentasi).",
	"ex.name": "Nama", "ex.source": "Sumber", "ex.state": "Status", "ex.events": "Event", "ex.last_success": "Terakhir berhasil",
	"ex.last_error": "Galat terakhir", "ex.next_poll": "Polling berikutnya", "ex.poll_now": "Polling sekarang", "ex.every": "setiap",
	"ex.lag": "tertinggal", "ex.skipped": "dilewati", "ex.failures": "gagal berturut-turut:", "ex.never": "belum pernah",
	"ex.format.sigap": "feed sigap", "ex.format.threatexchange": "ThreatExchange",
	"ex.st.ok": "mutakhir", "ex.st.syncing": "menyusul", "ex.st.failing": "gagal", "ex.st.tampered": "ditolak: riwayat ditulis ulang",
	"ex.reported":      "Entri yang dilaporkan pelanggan",
	"ex.reported_hint": "Positif palsu lebih dulu. Menarik entri menghapusnya dari set; penghapusan sampai ke setiap pelanggan pada polling berikutnya.",
	"ex.set":           "Set", "ex.entry": "Entri", "ex.subscriber": "Pelanggan", "ex.verdict": "Penilaian", "ex.count": "Jumlah",
	"ex.last_at": "Terakhir", "ex.withdraw": "Tarik", "ex.withdrawn_already": "sudah ditarik",
	"ex.verdict.false_positive": "positif palsu", "ex.verdict.true_positive": "positif benar", "ex.verdict.seen": "terlihat",
	"ex.none_reported": "Belum ada pelanggan yang melaporkan entri.", "ex.shares": "Share set milik server ini",
	"ex.no_shares": "Tidak ada set yang dibagikan.", "ex.last_read": "Terakhir dibaca", "ex.priority": "polling prioritas",
	"ex.revoked": "dicabut", "ex.live": "aktif", "ex.polled": "Langganan melakukan polling sekarang.",
	"ex.withdrawn": "Entri ditarik; salinan pelanggan kehilangannya pada polling berikutnya.",
}
