package i18n

// indonesianPortal holds the Indonesian text of the portal's menu,
// dashboards, pagers and layouts (issue 19); see englishPortal.
var indonesianPortal = map[string]string{
	"nav.group.intake": "Penerimaan", "nav.group.review": "Peninjauan", "nav.group.filtering": "Penyaringan",
	"nav.group.accountability": "Akuntabilitas", "nav.group.admin": "Administrasi",
	"nav.orgs": "Organisasi dan pengguna", "nav.sso": "Masuk tunggal (SSO)", "nav.current": "(halaman ini)",
	"who.nobody": "tidak ada", "who.system": "sigap sendiri", "who.key": "Kunci API",
	"date.placeholder": "TTTT-BB-HH", "date.hint": "Tanggal dalam bentuk tahun-bulan-hari, misalnya 2026-11-27.",
	"date.time_placeholder": "TTTT-BB-HH JJ:MM", "date.time_hint": "Tanggal, dan jam bila perlu, dalam bentuk tahun-bulan-hari jam:menit dalam UTC, misalnya 2026-12-31 00:00.",
	"rv.decide.heading": "Putuskan kasus ini", "event.status_to": "status berubah menjadi %s",
	"act_state.pending": "menunggu dikirim", "act_state.sent": "terkirim, menunggu konfirmasi", "act_state.executed": "telah dilaksanakan", "act_state.failed": "pengiriman gagal",
	"tf.authority_unenrolled": "instansi pemerintah (bukan peserta program pelapor)",
	"table.scroll":            "Tabel (dapat digeser ke samping di layar sempit)",
	"dash.chart.status":       "Pemberitahuan menurut status", "dash.chart.status_alt": "Angka yang sama dengan hitungan di atas, sebagai batang.",
	"dash.chart.on_time": "Bagian yang selesai sebelum tenggat, per bulan", "dash.chart.on_time_alt": "Dari pemberitahuan yang bertenggat pada tiap bulan dan sudah selesai, bagian yang selesai sebelum tenggatnya.",
	"dash.chart.breaches": "Tenggat terlewat, per bulan (selesai terlambat atau masih terbuka melewati tenggat)",
	"dash.chart.figures":  "Angka di balik grafik", "dash.month_col": "Bulan (WIB)", "dash.late": "Selesai terlambat",
	"dash.chart.queue": "Antrean menurut jalur dan sisa waktu", "dash.chart.hits": "Kecocokan pemindaian per jam, 24 jam terakhir",
	"dash.chart.hits_alt": "%d kecocokan dalam 24 jam terakhir; jam dalam WIB.", "dash.hour": "Jam",
	"dash.q.overdue": "lewat tenggat", "dash.q.hour": "dalam 1 jam", "dash.q.four": "1 sampai 4 jam", "dash.q.day": "4 sampai 24 jam", "dash.q.later": "lebih dari sehari",
	"notice.timeline_search": "Cari di linimasa (ID kasus atau peristiwa)", "notice.timeline_matched": "%d peristiwa cocok dengan “%s”.",
	"flt.hits.search": "Cari kecocokan (pos, kanal atau teks yang cocok)",
}
