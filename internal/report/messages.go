package report

import (
	"fmt"

	"github.com/sigap/sigap/internal/i18n"
)

// The report page's own catalogue, in the languages of internal/i18n. Labels
// of values the rest of sigap already translates (categories, notice kinds
// and statuses) come from the shared catalogue when this one lacks them.
var messages = map[string]map[string]string{
	i18n.ID: {
		"title":          "Laporan transparansi",
		"intro":          "Angka tentang pemberitahuan yang diterima sigap, keputusan dan tindakan platform, serta ketepatan waktunya (DSA Pasal 15 dan 24; PM Kominfo 5/2020).",
		"period":         "Periode",
		"period_to":      "batas akhir tidak termasuk",
		"generated":      "Dibuat",
		"scope":          "Cakupan",
		"scope.platform": "seluruh platform",
		"scope.org":      "pemberitahuan dari %s saja",
		"times_note":     "Waktu ditampilkan dalam Waktu Indonesia Barat (WIB, UTC+7) dengan UTC di sampingnya.",
		"contents":       "Isi",
		"none":           "Tidak ada.",

		"sec.notices":     "Pemberitahuan",
		"sec.actions":     "Keputusan dan tindakan",
		"sec.times":       "Waktu penanganan",
		"sec.deadlines":   "Kepatuhan tenggat",
		"sec.dialogue":    "Klarifikasi dan keberatan",
		"sec.appeals":     "Banding",
		"sec.automation":  "Deteksi otomatis",
		"sec.accuracy":    "Akurasi pelapor",
		"sec.definitions": "Definisi",

		"notices.total":      "Pemberitahuan diterima: %s, menyebut %s konten.",
		"chart.source":       "Menurut sumber",
		"chart.category":     "Menurut kategori",
		"chart.regime":       "Menurut rezim hukum",
		"chart.jurisdiction": "Menurut yurisdiksi (cakupan wilayah)",
		"chart.outcome":      "Menurut hasil",
		"chart.status":       "Menurut status saat ini",
		"chart.action":       "Keputusan menurut tindakan",
		"chart.ground":       "Keputusan menurut dasar",
		"chart.executed":     "Tindakan yang dilaksanakan",
		"chart.to_ack":       "Sampai tanggapan pertama",
		"chart.to_decision":  "Sampai keputusan",
		"chart.to_action":    "Sampai tindakan dilaksanakan",
		"chart.deadlines":    "Tenggat menurut rezim dan kelas",
		"chart.hits":         "Temuan pemindaian menurut hasil",

		"actions.summary":  "Keputusan berlaku dalam periode: %s (otomatis: %s; dibatalkan lewat banding: %s). Tindakan diminta: %s; dilaksanakan: %s.",
		"times.legend":     "Garis: tercepat sampai terlama. Kotak: median sampai persentil ke-90. Garis tegak: median. Skala logaritmik.",
		"times.note":       "Diukur dari penerimaan pemberitahuan yang diterima dalam periode.",
		"deadlines.legend": "Hijau: tepat waktu. Kuning: terlambat. Merah: lewat tenggat dan belum selesai. Abu-abu: belum jatuh tempo.",

		"col.key":           "Kelompok",
		"col.count":         "Jumlah",
		"col.median":        "Median",
		"col.p90":           "Persentil ke-90",
		"col.min":           "Tercepat",
		"col.max":           "Terlama",
		"col.regime":        "Rezim",
		"col.class":         "Kelas",
		"col.notices":       "Pemberitahuan",
		"col.on_time":       "Tepat waktu",
		"col.late":          "Terlambat",
		"col.overdue":       "Lewat tenggat",
		"col.open":          "Belum jatuh tempo",
		"col.on_time_share": "Bagian tepat waktu",
		"col.name":          "Nama",
		"col.decided":       "Diputuskan",
		"col.actioned":      "Ditindak",
		"col.rejected":      "Ditolak",
		"col.reversed":      "Dibatalkan",
		"col.precision":     "Presisi",
		"col.figure":        "Angka",
		"col.value":         "Nilai",

		"d.clarification_requests":     "Permintaan klarifikasi dari platform",
		"d.notices_with_clarification": "Pemberitahuan dengan permintaan klarifikasi",
		"d.messages_from_platform":     "Pesan dari platform",
		"d.messages_from_notifiers":    "Pesan dari pelapor",
		"d.clock_pauses":               "Jeda tenggat dimulai",
		"d.clock_pauses_ended":         "Jeda tenggat berakhir",
		"d.paused":                     "Total waktu jeda",
		"d.objections":                 "Keberatan (sanggah) diajukan",
		"a.filed":                      "Banding diajukan",
		"a.decided":                    "Banding diputuskan",
		"a.upheld":                     "Keputusan dipertahankan",
		"a.reversed":                   "Keputusan dibatalkan",
		"a.reinstatements":             "Konten dipulihkan",
		"a.decision_time":              "Median waktu memutus banding",
		"au.automated_notices":         "Pemberitahuan dari pemindaian otomatis",
		"au.share":                     "Bagian dari semua pemberitahuan",
		"au.automated_decisions":       "Keputusan otomatis",
		"au.scan_hits":                 "Temuan pemindaian",
		"au.actions_requested":         "Tindakan otomatis diminta",
		"au.actions_executed":          "Tindakan otomatis dilaksanakan",
		"acc.flaggers":                 "Penanda tepercaya",
		"acc.authorities":              "Otoritas",
		"acc.note":                     "Presisi: bagian pemberitahuan yang diputuskan yang berujung pada tindakan (definisi yang sama dengan program penanda tepercaya).",

		"def.sources":   "Sumber: jenis pemberitahuan (perintah, rujukan, penandaan tepercaya, laporan pengguna); pemberitahuan yang diajukan pemindaian platform sendiri dihitung sebagai otomatis.",
		"def.ack":       "Tanggapan pertama: tanda pertama platform menangani pemberitahuan (peninjau mengambil kasusnya, keputusan, pesan dari platform, permintaan klarifikasi atau keberatan). Tanda terima bertanda tangan dikirim seketika dan tidak dihitung.",
		"def.decision":  "Keputusan: saat kasus terakhir pemberitahuan diputuskan (setelah persetujuan peninjau kedua bila perlu).",
		"def.action":    "Tindakan: saat tindakan terakhir atas kasusnya dilaksanakan, setelah semua kasusnya selesai.",
		"def.deadlines": "Tenggat: pemberitahuan selesai bila semua kasusnya diputuskan dan setiap pembatasan dilaksanakan; dibandingkan dengan tenggatnya, yang digeser oleh jeda klarifikasi.",
		"def.periods":   "Pemberitahuan, waktu, tenggat dan akurasi: pemberitahuan yang diterima dalam periode, sebagaimana keadaannya saat laporan dibuat. Keputusan, tindakan, pesan, banding dan temuan: yang terjadi dalam periode.",

		"source.automated": "otomatis", // the kinds' sources are in internal/i18n, beside the kinds
		"outcome.actioned": "ditindak", "outcome.rejected": "ditolak", "outcome.reversed": "dibatalkan lewat banding", "outcome.pending": "belum selesai",
		"action.remove": "hapus", "action.geo_restrict": "batasi di negara tertentu", "action.suspend": "tangguhkan akun", "action.restrict": "batasi",
		"action.no_action": "tanpa tindakan", "action.cannot_execute": "tidak dapat dilaksanakan", "action.restore": "pulihkan",
		"ground.law": "hukum", "ground.terms": "ketentuan layanan",
		"hit.notice": "pemberitahuan diajukan", "hit.action": "tindakan otomatis", "hit.shadow": "mode bayangan", "hit.quarantined": "dikarantina",
		"hit.breaker_open": "batas harian tercapai",
		"objection.open":   "terbuka", "objection.upheld": "perintah dipertahankan", "objection.withdrawn": "perintah ditarik",
		"err.title":   "Laporan tidak dapat dibuat",
		"unit.s":      "dtk",
		"unit.min":    "mnt",
		"unit.h":      "jam",
		"unit.d":      "hari",
		"unit.all":    "semua",
		"unit.nodata": "tidak ada data",
	},
	i18n.EN: {
		"title":          "Transparency report",
		"intro":          "Figures on the notices sigap received, the platform's decisions and actions, and their timeliness (DSA Art. 15 and 24; PM Kominfo 5/2020).",
		"period":         "Period",
		"period_to":      "the end is not included",
		"generated":      "Generated",
		"scope":          "Scope",
		"scope.platform": "the whole platform",
		"scope.org":      "notices from %s only",
		"times_note":     "Times are shown in Western Indonesia Time (WIB, UTC+7) with UTC beside them.",
		"contents":       "Contents",
		"none":           "None.",

		"sec.notices":     "Notices",
		"sec.actions":     "Decisions and actions",
		"sec.times":       "Handling times",
		"sec.deadlines":   "Deadline compliance",
		"sec.dialogue":    "Clarifications and objections",
		"sec.appeals":     "Appeals",
		"sec.automation":  "Automated detection",
		"sec.accuracy":    "Notifier accuracy",
		"sec.definitions": "Definitions",

		"notices.total":      "Notices received: %s, naming %s items of content.",
		"chart.source":       "By source",
		"chart.category":     "By category",
		"chart.regime":       "By legal regime",
		"chart.jurisdiction": "By jurisdiction (territorial scope)",
		"chart.outcome":      "By outcome",
		"chart.status":       "By current status",
		"chart.action":       "Decisions by action",
		"chart.ground":       "Decisions by ground",
		"chart.executed":     "Actions carried out",
		"chart.to_ack":       "To first acknowledgement",
		"chart.to_decision":  "To decision",
		"chart.to_action":    "To action carried out",
		"chart.deadlines":    "Deadlines by regime and class",
		"chart.hits":         "Scan hits by outcome",

		"actions.summary":  "Decisions that took effect in the period: %s (automated: %s; reversed on appeal: %s). Actions requested: %s; carried out: %s.",
		"times.legend":     "Line: fastest to slowest. Box: median to 90th percentile. Upright mark: median. Logarithmic scale.",
		"times.note":       "Measured from the receipt of the notices received in the period.",
		"deadlines.legend": "Green: on time. Amber: late. Red: past the deadline and not settled. Grey: not yet due.",

		"col.key":           "Group",
		"col.count":         "Count",
		"col.median":        "Median",
		"col.p90":           "90th percentile",
		"col.min":           "Fastest",
		"col.max":           "Slowest",
		"col.regime":        "Regime",
		"col.class":         "Class",
		"col.notices":       "Notices",
		"col.on_time":       "On time",
		"col.late":          "Late",
		"col.overdue":       "Overdue",
		"col.open":          "Not yet due",
		"col.on_time_share": "Share on time",
		"col.name":          "Name",
		"col.decided":       "Decided",
		"col.actioned":      "Actioned",
		"col.rejected":      "Rejected",
		"col.reversed":      "Reversed",
		"col.precision":     "Precision",
		"col.figure":        "Figure",
		"col.value":         "Value",

		"d.clarification_requests":     "Clarification requests from the platform",
		"d.notices_with_clarification": "Notices with a clarification request",
		"d.messages_from_platform":     "Messages from the platform",
		"d.messages_from_notifiers":    "Messages from notifiers",
		"d.clock_pauses":               "Deadline pauses started",
		"d.clock_pauses_ended":         "Deadline pauses ended",
		"d.paused":                     "Total time paused",
		"d.objections":                 "Objections raised",
		"a.filed":                      "Appeals filed",
		"a.decided":                    "Appeals decided",
		"a.upheld":                     "Decisions upheld",
		"a.reversed":                   "Decisions reversed",
		"a.reinstatements":             "Content reinstated",
		"a.decision_time":              "Median time to decide an appeal",
		"au.automated_notices":         "Notices from automated scanning",
		"au.share":                     "Share of all notices",
		"au.automated_decisions":       "Automated decisions",
		"au.scan_hits":                 "Scan hits",
		"au.actions_requested":         "Automated actions requested",
		"au.actions_executed":          "Automated actions carried out",
		"acc.flaggers":                 "Trusted flaggers",
		"acc.authorities":              "Authorities",
		"acc.note":                     "Precision: the share of decided notices that led to an action (the trusted flagger programme's definition).",

		"def.sources":   "Source: the kind of notice (order, referral, trusted flag, user report); notices the platform's own scan filed count as automated.",
		"def.ack":       "First acknowledgement: the first sign of the platform handling a notice (a reviewer claiming its case, a decision, a message from the platform, a clarification request or an objection). The signed receipt is instant and does not count.",
		"def.decision":  "Decision: when the last case of the notice was decided (after a second reviewer's approval where one is needed).",
		"def.action":    "Action: when the last action on its cases was carried out, once all its cases are settled.",
		"def.deadlines": "Deadlines: a notice is settled when every case is decided and every restriction carried out; that moment is compared with its deadline, which clarification pauses move.",
		"def.periods":   "Notices, times, deadlines and accuracy: the notices received in the period, as they stand when the report is made. Decisions, actions, messages, appeals and hits: what happened in the period.",

		"source.automated": "automated", // the kinds' sources are in internal/i18n, beside the kinds
		"outcome.actioned": "actioned", "outcome.rejected": "rejected", "outcome.reversed": "reversed on appeal", "outcome.pending": "not settled",
		"action.remove": "remove", "action.geo_restrict": "restrict in some countries", "action.suspend": "suspend the account", "action.restrict": "restrict",
		"action.no_action": "no action", "action.cannot_execute": "cannot be carried out", "action.restore": "restore",
		"ground.law": "law", "ground.terms": "terms of service",
		"hit.notice": "notice filed", "hit.action": "automated action", "hit.shadow": "shadow mode", "hit.quarantined": "quarantined",
		"hit.breaker_open": "daily cap reached",
		"objection.open":   "open", "objection.upheld": "order upheld", "objection.withdrawn": "order withdrawn",
		"err.title":   "The report cannot be made",
		"unit.s":      "s",
		"unit.min":    "min",
		"unit.h":      "h",
		"unit.d":      "d",
		"unit.all":    "all",
		"unit.nodata": "no data",
	},
}

// T returns the report catalogue's text for key in lang (Indonesian for an
// unknown language), formatted with args; a key missing from it comes from
// the shared catalogue, and a key missing from both shows as itself.
func T(lang, key string, args ...any) string {
	cat, ok := messages[lang]
	if !ok {
		cat = messages[i18n.ID]
	}
	msg, ok := cat[key]
	if !ok {
		if i18n.Has(lang, key) {
			return i18n.T(lang, key, args...)
		}
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// has reports whether key has a text in lang, here or in the shared catalogue.
func has(lang, key string) bool {
	if _, ok := messages[lang][key]; ok {
		return true
	}
	return i18n.Has(lang, key)
}

// label translates an enumerated value under prefix, showing it raw when no catalogue knows it.
func label(lang, prefix, v string) string {
	if has(lang, prefix+"."+v) {
		return T(lang, prefix+"."+v)
	}
	return v
}
