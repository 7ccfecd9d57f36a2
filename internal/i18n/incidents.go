package i18n

// The incident and retroactive-scan pages' messages, kept apart from the
// big catalogues so the feature's words are read together; i18n.go joins them to the catalogues.
var (
	englishIncidents = map[string]string{
		"nav.incidents": "Incidents", "lane.incident": "incident",
		"inc.title": "Incidents", "inc.intro": "A declared incident (after the GIFCT Content Incident Protocol) gets a bank and a keyword list of its own; hits on them go to the incident lane, above every other, with the shortest clock of the regime, and the on-call contacts are paged when it is declared.",
		"inc.none": "No incident has been declared.", "inc.name": "Name", "inc.state": "State", "inc.started": "Started",
		"inc.labels": "Labels", "inc.started_wib": "Started at (WIB; empty: now)", "inc.declare": "Declare an incident",
		"inc.declare_hint":   "Labels are separated by commas, such as terrorism. Entries added to the incident's bank and list are looked for at once in the posts of the week before.",
		"inc.err.started_at": "The start time must be a date and time such as 2026-12-07T09:30 (WIB).",
		"inc.state.open":     "open", "inc.state.closed": "closed", "inc.declared": "Declared", "inc.closed": "Closed",
		"inc.sets": "Its bank and list", "inc.lane": "Review lane",
		"inc.lane_hint": "Cases found on its bank and list wait in the incident lane, claimed before every other, due within the regime's shortest clock.",
		"inc.report":    "Report", "inc.so_far": "So far", "inc.counts": "%d cases: %d found live, %d found retroactively.",
		"inc.chart": "Cases per hour of filing, live and retroactive", "inc.live": "live", "inc.retroactive": "retroactive",
		"inc.hour": "Hour", "inc.cases": "Cases", "inc.found": "Found", "inc.no_cases": "No case yet.",
		"inc.close": "Close the incident", "inc.close_hint": "Closing keeps its report; its bank and list stay as they are.",
		"retro.title": "Retroactive scans", "retro.intro": "When entries arrive in a bank or list, the posts of the window before them are scanned again for those entries alone, one scan at a time and at a bounded rate, so live scanning keeps its pace.",
		"retro.none": "No retroactive scan yet.", "retro.scan": "Scan", "retro.entries": "Entries", "retro.window": "Posts since",
		"retro.progress": "Progress (stream messages)", "retro.hits": "Posts found", "retro.posts": "%d posts",
		"retro.set": "Bank or list", "retro.window_hours": "Window (hours before now; empty: 168)", "retro.start": "Start a retroactive scan",
		"retro.start_hint": "Looks for every live entry of the set in the posts of the window, at the bounded pace of every retroactive scan.",
		"retro.started":    "Retroactive scan %s queued.", "retro.no_sets": "There is no bank or list to scan yet.",
		"retro.err.window": "The window must be a number of hours, more than 0 and at most 720.", "retro.err.set": "That bank or list does not exist.", "retro.err.empty": "That bank or list has no live entry to look for.",
		"retro.family.bank": "Bank", "retro.family.list": "List",
		"retro.state.queued": "queued", "retro.state.running": "running", "retro.state.done": "done", "retro.state.failed": "failed",
	}
	indonesianIncidents = map[string]string{
		"nav.incidents": "Insiden", "lane.incident": "insiden",
		"inc.title": "Insiden", "inc.intro": "Insiden yang dideklarasikan (mengikuti Content Incident Protocol GIFCT) mendapat bank dan daftar kata kunci sendiri; kecocokan padanya masuk jalur insiden, di atas semua jalur lain, dengan tenggat terpendek rezimnya, dan petugas siaga dihubungi saat insiden dideklarasikan.",
		"inc.none": "Belum ada insiden yang dideklarasikan.", "inc.name": "Nama", "inc.state": "Status", "inc.started": "Mulai",
		"inc.labels": "Label", "inc.started_wib": "Mulai pada (WIB; kosong: sekarang)", "inc.declare": "Deklarasikan insiden",
		"inc.declare_hint":   "Pisahkan label dengan koma, misalnya terrorism. Entri yang ditambahkan ke bank dan daftar insiden langsung dicari di unggahan sepekan sebelumnya.",
		"inc.err.started_at": "Waktu mulai harus berupa tanggal dan jam seperti 2026-12-07T09:30 (WIB).",
		"inc.state.open":     "terbuka", "inc.state.closed": "ditutup", "inc.declared": "Dideklarasikan", "inc.closed": "Ditutup",
		"inc.sets": "Bank dan daftarnya", "inc.lane": "Jalur peninjauan",
		"inc.lane_hint": "Kasus yang ditemukan lewat bank dan daftarnya menunggu di jalur insiden, diambil sebelum yang lain, dengan tenggat terpendek rezimnya.",
		"inc.report":    "Laporan", "inc.so_far": "Sejauh ini", "inc.counts": "%d kasus: %d ditemukan langsung, %d ditemukan secara retroaktif.",
		"inc.chart": "Kasus per jam pengajuan, langsung dan retroaktif", "inc.live": "langsung", "inc.retroactive": "retroaktif",
		"inc.hour": "Jam", "inc.cases": "Kasus", "inc.found": "Ditemukan", "inc.no_cases": "Belum ada kasus.",
		"inc.close": "Tutup insiden", "inc.close_hint": "Penutupan menyimpan laporannya; bank dan daftarnya tetap seperti adanya.",
		"retro.title": "Pemindaian retroaktif", "retro.intro": "Saat entri masuk ke bank atau daftar, unggahan dalam jangka waktu sebelumnya dipindai ulang hanya untuk entri itu, satu pemindaian sekali jalan dengan laju terbatas, sehingga pemindaian langsung tetap lancar.",
		"retro.none": "Belum ada pemindaian retroaktif.", "retro.scan": "Pemindaian", "retro.entries": "Entri", "retro.window": "Unggahan sejak",
		"retro.progress": "Kemajuan (pesan stream)", "retro.hits": "Unggahan ditemukan", "retro.posts": "%d unggahan",
		"retro.set": "Bank atau daftar", "retro.window_hours": "Jangka waktu (jam sebelum sekarang; kosong: 168)", "retro.start": "Mulai pemindaian retroaktif",
		"retro.start_hint": "Mencari setiap entri aktif set itu di unggahan dalam jangka waktu tersebut, dengan laju terbatas seperti setiap pemindaian retroaktif.",
		"retro.started":    "Pemindaian retroaktif %s masuk antrean.", "retro.no_sets": "Belum ada bank atau daftar untuk dipindai.",
		"retro.err.window": "Jangka waktu harus berupa jumlah jam, lebih dari 0 dan paling banyak 720.", "retro.err.set": "Bank atau daftar itu tidak ada.", "retro.err.empty": "Bank atau daftar itu tidak punya entri aktif untuk dicari.",
		"retro.family.bank": "Bank", "retro.family.list": "Daftar",
		"retro.state.queued": "antre", "retro.state.running": "berjalan", "retro.state.done": "selesai", "retro.state.failed": "gagal",
	}
)
