package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sigap/sigap/internal/filterset"
	"github.com/sigap/sigap/internal/i18n"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/retro"
	"github.com/sigap/sigap/internal/store"
)

// retroSetChoice is a bank or list the retroactive-scan form offers.
type retroSetChoice struct {
	ID, Name, Family string
}

// retroChoices lists the banks and lists an admin may scan again by hand:
// the first page of each, since the form is for the sets in use.
func (p *Portal) retroChoices(r *http.Request) ([]retroSetChoice, error) {
	var out []retroSetChoice
	for _, f := range []struct {
		family string
		fs     *filterset.Service
	}{{"bank", p.Banks}, {"list", p.Lists}} {
		sets, _, err := f.fs.List(r.Context(), "", 100)
		if err != nil {
			return nil, err
		}
		for _, s := range sets {
			out = append(out, retroSetChoice{ID: s.ID, Name: s.Name, Family: f.family})
		}
	}
	return out, nil
}

// retroStart starts a retroactive scan of a whole bank or list by hand, as
// POST /v1/retro-scans does; the window is typed in hours (empty: the default).
func (p *Portal) retroStart(w http.ResponseWriter, r *http.Request, q *req) {
	if err := r.ParseForm(); err != nil {
		p.serverError(w, r, err)
		return
	}
	f := r.PostForm.Get
	d := incidentsData{Labels: "terrorism", ScanSet: f("set_id"), ScanHours: strings.TrimSpace(f("window_hours"))}
	in := retro.Request{SetID: d.ScanSet}
	if d.ScanHours != "" {
		h, err := strconv.ParseFloat(d.ScanHours, 64)
		if err != nil {
			d.ScanErrors = []string{i18n.T(q.Lang, "retro.err.window")}
			p.renderIncidents(w, r, q, http.StatusUnprocessableEntity, d)
			return
		}
		in.WindowHours = &h
	}
	job, err := p.Retro.Start(r.Context(), in)
	if errors.Is(err, store.ErrNotFound) {
		d.ScanErrors = []string{i18n.T(q.Lang, "retro.err.set")}
		p.renderIncidents(w, r, q, http.StatusUnprocessableEntity, d)
		return
	}
	if p.formRefused(w, r, q, err, retroErrors, func(msgs []string) {
		d.ScanErrors = msgs
		p.renderIncidents(w, r, q, http.StatusUnprocessableEntity, d)
	}) {
		return
	}
	http.Redirect(w, r, "/incidents?done=retro_started&scan="+job.ID, http.StatusSeeOther)
}

// retroErrors says in the user's language what was wrong with a scan asked
// for: the retro package's field errors name API fields the form does not have.
func retroErrors(lang string, err error) ([]string, bool) {
	var ve *notice.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	var msgs []string
	for _, fe := range ve.Fields {
		switch {
		case fe.Field == "window_hours":
			msgs = append(msgs, i18n.T(lang, "retro.err.window"))
		case fe.Field == "entry_ids" && fe.Code == "empty":
			msgs = append(msgs, i18n.T(lang, "retro.err.empty"))
		case fe.Field == "set_id":
			msgs = append(msgs, i18n.T(lang, "retro.err.set"))
		default:
			msgs = append(msgs, fieldMessage(lang, fe))
		}
	}
	return msgs, true
}
