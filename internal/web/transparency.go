package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/org"
)

// transparencyData is the log's latest signed checkpoint and what a reader
// needs to check it without trusting this page.
type transparencyData struct {
	Ready     bool
	Origin    string
	Size      int64
	Root      string
	Note      string
	VerifyKey string
	// The commands the page suggests, filled with this server's address and key.
	// CmdAudit names the data dir and database, so it is filled only for
	// the platform's admins and auditors (CanAuditLog).
	CmdFirst, CmdNext, CmdAudit, CmdGeneric string
	// From and To fill the period form: the start of this year to today,
	// or what the reader asked for when it was refused (PeriodError says why).
	From, To    string
	PeriodError string
}

// transparencyPage shows the transparency log's latest checkpoint, how to
// verify it, and where the reports and exports are. Every signed-in user may
// read it: the log publishes commitments only, never a notice's content.
func (p *Portal) transparencyPage(w http.ResponseWriter, r *http.Request, q *req) {
	p.render(w, r, q, http.StatusOK, "transparency", "tr.title", p.transparencyData(r, q))
}

// logAuditors are the platform roles shown the auditor's `sigap log verify
// --data ... --db ...` command: it names where this server keeps its data
// and its database's host, user and name, which are the platform's own
// business. Everyone else verifies with --server, which needs no database.
var logAuditors = []org.Role{org.RoleAdmin, org.RoleAuditor}

// CanAuditLog reports whether the user is shown the auditor's command.
func (q *req) CanAuditLog() bool {
	return q.IsPlatform() && slices.Contains(logAuditors, q.User.Role)
}

func (p *Portal) transparencyData(r *http.Request, q *req) transparencyData {
	now := p.now().UTC()
	d := transparencyData{From: now.Format("2006") + "-01-01", To: now.AddDate(0, 0, 1).Format(time.DateOnly)}
	if p.TransLog != nil {
		s := p.TransLog.Latest()
		d.Ready = len(s.Note) > 0
		d.Origin, d.Size, d.Note = s.Origin, s.Size, string(s.Note)
		d.Root = base64.StdEncoding.EncodeToString(s.Root[:])
		d.VerifyKey = p.TransLog.Key().VerifierKey
		base := requestBase(r)
		verify := "sigap log verify --server " + base + " --key '" + d.VerifyKey + "'"
		d.CmdFirst = verify + " --save checkpoint.txt"
		d.CmdNext = verify + " --previous checkpoint.txt --save checkpoint.txt"
		if q.CanAuditLog() {
			d.CmdAudit = auditCommand(p.DataDir, p.DBURL)
		}
		d.CmdGeneric = "curl -s " + base + "/v1/log/checkpoint\ncurl -s " + base + "/v1/log/tile/0/000 | xxd | head"
	}
	return d
}

// requestBase is the scheme and host the reader used, for copyable commands.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, " \"'<>\\`$") {
		host = "localhost:8080"
	}
	return scheme + "://" + host
}

// auditCommand is the `sigap log verify` an auditor runs beside this server:
// its data dir holds the log key (and the SQLite database), and a PostgreSQL
// database is named with its password left for the auditor to fill in.
func auditCommand(dataDir, dbURL string) string {
	if dataDir == "" {
		dataDir = "DATA_DIR"
	}
	cmd := "sigap log verify --data " + shellWord(dataDir)
	if dbURL != "" {
		if u, err := url.Parse(dbURL); err == nil && u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "PASSWORD")
			}
			dbURL = u.String()
		}
		cmd += " --db " + shellWord(dbURL)
	}
	return cmd + " --previous checkpoint.txt"
}

// shellWord quotes s for a POSIX shell when it holds anything but plain
// path and URL characters.
func shellWord(s string) string {
	plain := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./:@%+=,-", r)
	}
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !plain(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
