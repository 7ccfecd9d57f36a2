package i18n

// indonesianPortal holds the Indonesian text of the portal's menu,
// dashboards, pagers and layouts (issue 19); see englishPortal.
var indonesianPortal = map[string]string{
	"nav.group.intake": "Penerimaan", "nav.group.review": "Peninjauan", "nav.group.filtering": "Penyaringan",
	"nav.group.accountability": "Akuntabilitas", "nav.group.admin": "Administrasi",
	"nav.orgs": "Organisasi dan pengguna", "nav.sso": "Masuk tunggal (SSO)", "nav.current": "(halaman ini)",
}
