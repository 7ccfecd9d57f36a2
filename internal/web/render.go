package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// wib is Western Indonesia Time, the zone the ministry works in.
var wib = clock.WIB()

// pages holds each page's template, per language: the catalogue is bound
// into the template functions so templates just call {{t "key"}}.
type pages map[string]map[string]*template.Template

func parsePages() (pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := pages{}
	for _, lang := range i18n.Langs {
		out[lang] = map[string]*template.Template{}
		for _, n := range names {
			base := strings.TrimSuffix(path.Base(n), ".html")
			if base == "layout" || base == "partials" {
				continue
			}
			t, err := template.New("layout.html").Funcs(funcs(lang)).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n)
			if err != nil {
				return nil, fmt.Errorf("web: parse %s: %w", n, err)
			}
			out[lang][base] = t
		}
	}
	return out, nil
}

func funcs(lang string) template.FuncMap {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	// label translates an enumerated value (a status, kind, category...), showing it raw if unknown.
	label := func(prefix, v string) string {
		if i18n.Has(lang, prefix+"."+v) {
			return i18n.T(lang, prefix+"."+v)
		}
		return v
	}
	return template.FuncMap{
		"t":       t,
		"label":   label,
		"wib":     func(tm time.Time) string { return tm.In(wib).Format("2006-01-02 15:04") + " WIB" },
		"utc":     func(tm time.Time) string { return tm.UTC().Format("2006-01-02 15:04") + " UTC" },
		"iso":     func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) },
		"overdue": func(due, now time.Time) bool { return !now.Before(due) },
		"left":    func(due, now time.Time) string { return timeLeft(lang, due, now) },
		"pct": func(a, b int) int {
			if b == 0 {
				return 0
			}
			return a * 100 / b
		},
		"join": strings.Join,
		// labels is label over a list, joined with commas.
		"labels": func(prefix string, vs []string) string {
			out := make([]string, len(vs))
			for i, v := range vs {
				out[i] = label(prefix, v)
			}
			return strings.Join(out, ", ")
		},
		"menu":       menu,
		"eventField": eventField,
		// brief shortens a value too long to read on a page (a video's vPDQ
		// lines or TMK file run to kilobytes): its start and its length.
		// hinted is a text field with a hint for the "hinted" template: its
		// name, its hint's ID and key, its value and its errors.
		"hinted": func(name, hintID, hintKey, value string, errs []string) hintedField {
			return hintedField{name, hintID, hintKey, value, errs}
		},
		"brief": func(v string) string {
			if utf8.RuneCountInString(v) <= briefRunes {
				return v
			}
			r := []rune(v)
			return i18n.T(lang, "flt.brief", string(r[:briefHead]), len(r))
		},
	}
}

// hintedField is a text input with a hint below its label and its errors
// after it, as the "hinted" template draws it.
type hintedField struct {
	Name, HintID, HintKey, Value string
	Errs                         []string
}

// Values longer than briefRunes are shown as their first briefHead characters.
const briefRunes, briefHead = 240, 96

// timeLeft says how long until a deadline, or how long past it, in words.
func timeLeft(lang string, due, now time.Time) string {
	d := due.Sub(now)
	key := "time.left"
	if d <= 0 {
		key, d = "time.overdue", -d
	}
	d = d.Truncate(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var span string
	switch {
	case days > 0:
		span = i18n.T(lang, "time.dh", days, hours)
	case hours > 0:
		span = i18n.T(lang, "time.hm", hours, mins)
	default:
		span = i18n.T(lang, "time.m", mins)
	}
	return i18n.T(lang, key, span)
}

// view is what every page template gets.
type view struct {
	Lang  string
	Title string
	Q     *req
	Now   time.Time
	Path  string
	Flash string
	D     any
	// People names the actors a page shows (people.go).
	People *people
}

// render writes a page; it renders into a buffer first so a template error
// becomes a clean 500 rather than half a page.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, q *req, status int, page, title string, data any) {
	t := p.pages[q.Lang][page]
	if t == nil {
		p.Log.Error("portal: no such page template", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	flash := ""
	if m := r.URL.Query().Get("m"); flashes[m] {
		flash = "flash." + m
	}
	var buf bytes.Buffer
	v := view{Lang: q.Lang, Title: title, Q: q, Now: p.now(), Path: r.URL.RequestURI(), Flash: flash, D: data,
		People: &people{ctx: r.Context(), db: p.DB, viewer: q.User}}
	if err := t.Execute(&buf, v); err != nil {
		p.Log.Error("portal: render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", q.Lang)
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// flashes are the one-line notices a redirect may ask a page to show (?m=...);
// only these keys are honoured, so the query cannot inject text.
var flashes = map[string]bool{"expired": true, "signed_out": true, "password_set": true, "totp_on": true, "sent": true}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
