package cli

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for seeding

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/report"
	"github.com/sigap/sigap/internal/store"
)

// benchReportStart is the first instant of the seeded year (2025-01-01T00:00:00Z), in milliseconds.
const benchReportStart = int64(1735689600000)

var dbNameRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// runBenchReport times a full-year transparency report over a PostgreSQL
// database seeded with --notices notices and four timeline events each
// (2,500,000 notices: 10,000,000 events), with their cases, decisions,
// enforcement actions, messages, objections, appeals and scan rows.
func runBenchReport(ctx context.Context, env *Env, args []string) error {
	fs := usageFlags("bench report", env, "usage: sigap bench report --db postgres://USER:PASS@HOST/DB [flags]\n\n"+
		"Creates the database --name on that server (dropping one of that name first), seeds it with\n"+
		"--notices notices and 4 events each, and times the year's transparency report --runs times.\n"+
		"The database is dropped at the end unless --keep; --reuse times an existing seeded one.")
	admin := fs.String("db", env.Getenv("SIGAP_DB"), "PostgreSQL server URL (any database on it; the bench creates its own)")
	name := fs.String("name", "sigap_report_bench", "database to create for the bench")
	notices := fs.Int("notices", 2_500_000, "notices to seed (events = 4 × notices)")
	runs := fs.Int("runs", 3, "how many times to compute the report")
	keep := fs.Bool("keep", false, "keep the seeded database")
	reuse := fs.Bool("reuse", false, "use the already seeded database --name instead of seeding")
	verbose := fs.Bool("v", false, "log each report query's time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*admin, "postgres://") && !strings.HasPrefix(*admin, "postgresql://") {
		fs.Usage()
		return fmt.Errorf("--db must name a PostgreSQL server: %w", errUsage)
	}
	if !dbNameRe.MatchString(*name) {
		return fmt.Errorf("--name %q: use lower-case letters, digits and _", *name)
	}
	u, err := url.Parse(*admin)
	if err != nil {
		return fmt.Errorf("--db: %w", err)
	}
	bu := *u
	bu.Path = "/" + *name
	benchURL := bu.String()
	if !*reuse {
		if err := recreateDB(ctx, *admin, *name); err != nil {
			return err
		}
	}
	if !*keep {
		defer func() {
			if err := dropDB(context.WithoutCancel(ctx), *admin, *name); err != nil {
				fmt.Fprintf(env.Stderr, "drop %s: %v\n", *name, err)
			}
		}()
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	db, err := store.Open(ctx, store.Options{URL: benchURL, Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))})
	if err != nil {
		return err
	}
	defer db.Close()
	raw, err := sql.Open("pgx", benchURL)
	if err != nil {
		return err
	}
	defer raw.Close()
	fmt.Fprintf(env.Stdout, "sigap bench report: %s, %s, GOMAXPROCS=%d, %s\n", runtime.Version(), cpuModel(), runtime.GOMAXPROCS(0), serverVersion(ctx, raw))
	if !*reuse {
		start := time.Now()
		if err := seedReport(ctx, env, raw, *notices); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "seeded in %s\n", time.Since(start).Round(time.Second))
	}
	counts := map[string]int64{}
	for _, t := range []string{"notices", "events", "decisions", "enforcement_actions", "messages", "appeals"} {
		var n int64
		if err := raw.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
			return err
		}
		counts[t] = n
	}
	var size string
	_ = raw.QueryRowContext(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&size)
	fmt.Fprintf(env.Stdout, "rows: %d notices, %d events, %d decisions, %d enforcement actions, %d messages, %d appeals; database %s\n",
		counts["notices"], counts["events"], counts["decisions"], counts["enforcement_actions"], counts["messages"], counts["appeals"], size)
	svc := &report.Service{DB: db, Clock: clock.System{}}
	year := report.Period{From: time.UnixMilli(benchReportStart).UTC(), To: time.UnixMilli(benchReportStart).UTC().AddDate(1, 0, 0)}
	var authority string
	if err := raw.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' ORDER BY id LIMIT 1").Scan(&authority); err != nil {
		return err
	}
	cases := []struct {
		name string
		run  func() (int64, error)
	}{
		{"transparency report, whole platform, one year", func() (int64, error) {
			r, err := svc.Transparency(ctx, report.Scope{Platform: true}, year)
			if err != nil {
				return 0, err
			}
			return r.Notices.Total, nil
		}},
		{"transparency report, one authority, one year", func() (int64, error) {
			r, err := svc.Transparency(ctx, report.Scope{OrgID: authority}, year)
			if err != nil {
				return 0, err
			}
			return r.Notices.Total, nil
		}},
		{"TCO Art. 7(3) figures, one year", func() (int64, error) {
			r, err := svc.TCO(ctx, report.Scope{Platform: true}, year)
			if err != nil {
				return 0, err
			}
			return r.RemovalOrders, nil
		}},
	}
	for _, c := range cases {
		var times []time.Duration
		var n int64
		for range *runs {
			start := time.Now()
			if n, err = c.run(); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			times = append(times, time.Since(start))
		}
		fmt.Fprintf(env.Stdout, "%s: %d notices counted; runs %s; load %s\n", c.name, n, fmtDurations(times), loadAvg())
	}
	return nil
}

func fmtDurations(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.Round(10 * time.Millisecond).String()
	}
	return strings.Join(s, ", ")
}

func loadAvg() string {
	out, err := exec.Command("cat", "/proc/loadavg").Output()
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(out))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func serverVersion(ctx context.Context, db *sql.DB) string {
	var v string
	if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "PostgreSQL ?"
	}
	return "PostgreSQL " + v
}

func recreateDB(ctx context.Context, admin, name string) error {
	if err := dropDB(ctx, admin, name); err != nil {
		return err
	}
	a, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func dropDB(ctx context.Context, admin, name string) error {
	a, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// seedReport fills the bench database with generate_series, in chunks so a
// progress line shows. Triggers (and so foreign key checks) are off while it
// runs: the rows are consistent by construction, and the escalation and
// notification triggers would only add work the report never reads.
func seedReport(ctx context.Context, env *Env, raw *sql.DB, notices int) error {
	conn, err := raw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{"SET session_replication_role = replica", "SET synchronous_commit = off", "SET work_mem = '256MB'",
		"SET maintenance_work_mem = '512MB'"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if _, err := conn.ExecContext(ctx, seedOrgsSQL); err != nil {
		return fmt.Errorf("seed orgs: %w", err)
	}
	const chunk = 250_000
	bar := newProgress(env.Stderr, "notices", notices, true)
	for lo := 0; lo < notices; lo += chunk {
		hi := min(lo+chunk, notices)
		for _, q := range seedChunkSQL {
			var args []any
			if strings.Contains(q, "$1") {
				args = []any{lo, hi - 1, notices}
			}
			if _, err := conn.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("seed notices %d-%d: %w\n%s", lo, hi, err, q)
			}
		}
		bar.add(hi - lo)
	}
	bar.done()
	if _, err := conn.ExecContext(ctx, "SET session_replication_role = DEFAULT"); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "VACUUM (ANALYZE)"); err != nil {
		return fmt.Errorf("vacuum analyze: %w", err)
	}
	return nil
}

// seedOrgsSQL: 20 authorities, 20 trusted flaggers (active), the platform and a terrorism hash bank.
const seedOrgsSQL = `
INSERT INTO orgs (id, name, kind, default_regime, created_at)
SELECT 'org_auth_' || lpad(i::text, 2, '0'), 'Authority ' || i, 'authority', '', 1700000000000 FROM generate_series(0, 19) i
UNION ALL SELECT 'org_flag_' || lpad(i::text, 2, '0'), 'Flagger ' || i, 'flagger', '', 1700000000000 FROM generate_series(0, 19) i
UNION ALL SELECT 'org_platform', 'Platform', 'platform', '', 1700000000000;
INSERT INTO trust (org_id, status, categories, jurisdictions, updated_at)
SELECT id, 'active', '[]', '[]', 1700000000000 FROM orgs WHERE kind = 'flagger';
INSERT INTO filter_sets (id, family, name, kind, policy, labels, created_by_org, created_at, updated_at)
VALUES ('bnk_terror', 'bank', 'terror', 'hash', 'auto_action', '["terrorism"]', 'org_platform', 1700000000000, 1700000000000);
INSERT INTO filter_entries (id, set_id, type, value, added_by_org, added_at)
SELECT 'ent_' || i, 'bnk_terror', 'sha256', md5(i::text) || md5((i + 1)::text), 'org_platform', 1700000000000 FROM generate_series(1, 10000) i`

// seedChunkSQL seeds notices $1..$2 of $3. Notice g is received at
// 2025-01-01 + g × (one year / $3); g mod 10 picks its kind (0-2 order, 3
// referral, 4-6 flag, 7-8 user report, 9 automated), 95% are decided (80%
// remove, 10% geo_restrict, 10% no_action), 98% of restrictions carried out;
// 2% get a clarification, 1% of decisions an appeal (half reversed, with a
// restore), 0.5% of orders an objection. Every notice has four events:
// notice.received, case.opened, notice.status (claimed) and notice.decision
// (or case.lease_expired while undecided).
var seedChunkSQL = []string{
	`CREATE TEMP TABLE IF NOT EXISTS g AS SELECT 0::bigint AS g, 0::bigint AS r, ''::text AS kind LIMIT 0`,
	`TRUNCATE g`,
	`INSERT INTO g SELECT g, ` + fmt.Sprint(benchReportStart) + ` + g * (31536000000 / $3::bigint),
		CASE WHEN g % 10 < 3 THEN 'order' WHEN g % 10 = 3 THEN 'referral' WHEN g % 10 < 7 THEN 'flag' ELSE 'report' END
	FROM generate_series($1::bigint, $2::bigint) g WHERE $3::bigint > 0`,
	`INSERT INTO notices (id, org_id, kind, regime, category, class, within_ms, explanation, legal_basis, reference, urgent,
		requested_action, territorial_scope, language, evidence, contact, good_faith, status, received_at, due_at, body_sha256,
		idempotency_key, receipt_key_id, receipt_payload, receipt_signature, subject_count, lane, lane_note)
	SELECT 'ntc_' || lpad(g::text, 10, '0'),
		CASE WHEN kind IN ('order', 'referral') THEN 'org_auth_' || lpad((g % 20)::text, 2, '0')
			WHEN kind = 'flag' THEN 'org_flag_' || lpad((g % 20)::text, 2, '0') ELSE 'org_platform' END,
		kind, x.regime, x.category, x.class, x.within, 'Konten terorisme dan ajakan melakukan serangan, bench notice ' || g,
		CASE WHEN kind = 'order' THEN 'UU ITE Pasal 40 ayat (2b)' ELSE '' END, 'REF-' || g, x.class = 'urgent', 'remove',
		CASE WHEN x.regime = 'ID-PSE' THEN '["ID"]' WHEN g % 3 = 0 THEN '["EU","DE"]' ELSE '["EU"]' END, 'id', '[]', '',
		kind IN ('flag', 'report'),
		CASE WHEN g % 20 = 0 THEN 'in_review' WHEN g % 10 = 8 THEN 'rejected' ELSE 'actioned' END,
		r, r + x.within, md5(g::text) || md5((g + 7)::text), NULL, 'ed25519-bench',
		repeat(md5(g::text), 12), repeat(md5((g + 1)::text), 2) || 'AAAAAAAAAAAAAAAAAAAAAAA=', 1,
		CASE kind WHEN 'order' THEN 'order' WHEN 'report' THEN 'standard' ELSE 'trusted' END, ''
	FROM g, LATERAL (SELECT
		CASE WHEN kind = 'order' AND g % 7 = 0 THEN 'EU-TCO' WHEN kind = 'flag' AND g % 4 = 0 THEN 'EU-DSA' ELSE 'ID-PSE' END AS regime,
		(ARRAY['terrorism','violent_extremism','csam','public_order','gambling','pornography','hoax','hate_speech','fraud','drugs',
			'illegal_goods','privacy','ip','other'])[(g / 10) % 14 + 1] AS category) y,
	LATERAL (SELECT y.regime, y.category,
		CASE WHEN y.regime = 'EU-TCO' THEN 'removal_order'
			WHEN y.regime = 'ID-PSE' AND y.category IN ('terrorism','violent_extremism','csam','public_order') THEN 'urgent' ELSE 'standard' END AS class,
		CASE WHEN y.regime = 'EU-TCO' THEN 3600000
			WHEN y.regime = 'ID-PSE' AND y.category IN ('terrorism','violent_extremism','csam','public_order') THEN 14400000 ELSE 86400000 END AS within) x`,
	`INSERT INTO cases (id, subject, subject_kind, channel, state, lane, lane_rank, category, language, due_at, opened_at, updated_at)
	SELECT 'case_' || lpad(g::text, 10, '0'), 'telegram:message/benchchan' || (g % 50000) || '/' || g, 'telegram_message',
		'benchchan' || (g % 50000), CASE WHEN g % 20 = 0 THEN 'open' WHEN g % 10 = 8 THEN 'decided' ELSE 'actioned' END,
		CASE kind WHEN 'order' THEN 'order' WHEN 'report' THEN 'standard' ELSE 'trusted' END,
		CASE kind WHEN 'order' THEN 0 WHEN 'report' THEN 2 ELSE 1 END, 'terrorism', 'id', r + 14400000, r, r
	FROM g`,
	`INSERT INTO notice_subjects (notice_id, position, url, subject, case_id, new_case)
	SELECT 'ntc_' || lpad(g::text, 10, '0'), 0, 'https://t.me/benchchan' || (g % 50000) || '/' || g,
		'telegram:message/benchchan' || (g % 50000) || '/' || g, 'case_' || lpad(g::text, 10, '0'), true FROM g`,
	`INSERT INTO decisions (id, case_id, reviewer, org_id, action, ground_type, ground_reference, reasons, territorial_scope, automated,
		status, created_at, effective_at)
	SELECT 'dec_' || lpad(g::text, 10, '0'), 'case_' || lpad(g::text, 10, '0'), 'key:rev' || (g % 30), 'org_platform',
		CASE WHEN g % 10 = 7 THEN 'geo_restrict' WHEN g % 10 = 8 THEN 'no_action' ELSE 'remove' END,
		CASE WHEN kind = 'order' OR g % 2 = 0 THEN 'law' ELSE 'terms' END, 'UU ITE Pasal 40', 'The post incites violence.', '["ID"]',
		g % 10 = 9, CASE WHEN g % 200 = 5 THEN 'reversed' ELSE 'final' END,
		r + 1000 + (g % 1800) * 1000 + (g % 3600) * 1000, r + 1000 + (g % 1800) * 1000 + (g % 3600) * 1000
	FROM g WHERE g % 20 <> 0`,
	`INSERT INTO enforcement_actions (id, source, case_id, notice_id, subject, action, territorial_scope, state, requested_at, sent_at,
		executed_at, evidence_sha256, confirmed_by)
	SELECT 'act_' || lpad(g::text, 10, '0'), CASE WHEN g % 10 = 9 THEN 'scan' ELSE 'review' END, 'case_' || lpad(g::text, 10, '0'),
		CASE WHEN g % 10 = 9 THEN 'ntc_' || lpad(g::text, 10, '0') ELSE '' END,
		'telegram:message/benchchan' || (g % 50000) || '/' || g, CASE WHEN g % 10 = 7 THEN 'geo_restrict' ELSE 'remove' END, '["ID"]',
		CASE WHEN g % 50 = 1 THEN 'pending' ELSE 'executed' END, d.at, d.at,
		CASE WHEN g % 50 = 1 THEN NULL ELSE d.at + (g % 900) * 1000 END, md5(g::text) || md5(g::text), 'key:platform'
	FROM g, LATERAL (SELECT r + 1000 + (g % 1800) * 1000 + (g % 3600) * 1000 AS at) d WHERE g % 20 <> 0 AND g % 10 <> 8`,
	`INSERT INTO enforcement_actions (id, source, case_id, notice_id, subject, action, territorial_scope, state, requested_at, sent_at,
		executed_at, evidence_sha256, confirmed_by)
	SELECT 'act_r' || lpad(g::text, 10, '0'), 'review', 'case_' || lpad(g::text, 10, '0'), '',
		'telegram:message/benchchan' || (g % 50000) || '/' || g, 'restore', '["ID"]', 'executed', r + 2 * 86400000, r + 2 * 86400000,
		r + 2 * 86400000 + 60000, '', 'key:platform'
	FROM g WHERE g % 200 = 5`,
	`INSERT INTO appeals (id, case_id, decision_id, filed_by, reasons, status, reviewer, outcome_reasons, created_at, decided_at)
	SELECT 'apl_' || lpad(g::text, 10, '0'), 'case_' || lpad(g::text, 10, '0'), 'dec_' || lpad(g::text, 10, '0'), 'key:platform',
		'The post was satire.', CASE WHEN g % 200 = 5 THEN 'reversed' ELSE 'upheld' END, 'key:rev2', 'Reviewed again.',
		r + 86400000, r + 86400000 + (g % 86400) * 1000
	FROM g WHERE g % 100 = 5`,
	`INSERT INTO messages (id, notice_id, org_id, author, side, body, clarification, created_at)
	SELECT 'msg_' || lpad(g::text, 10, '0'), 'ntc_' || lpad(g::text, 10, '0'), 'org_platform', 'key:rev1', 'platform',
		'Which post exactly do you mean?', true, r + 60000
	FROM g WHERE g % 50 = 3`,
	`INSERT INTO objections (id, notice_id, org_id, author, reasons, status, answer, answered_by, created_at, answered_at)
	SELECT 'obj_' || lpad(g::text, 10, '0'), 'ntc_' || lpad(g::text, 10, '0'), 'org_platform', 'key:rev1', 'News reporting.',
		'withdrawn', 'Agreed.', 'key:auth', r + 120000, r + 600000
	FROM g WHERE g % 200 = 10`,
	`INSERT INTO scan_posts (notice_id, post, media, text, created_at)
	SELECT 'ntc_' || lpad(g::text, 10, '0'), 'telegram:message/benchchan' || (g % 50000) || '/' || g, '[]', 'bench post ' || g, r
	FROM g WHERE g % 10 = 9`,
	`INSERT INTO scan_hits (id, at, post, channel, message_id, matcher, set_id, entry_id, policy, outcome, notice_id, action_id)
	SELECT 'hit_' || lpad(g::text, 10, '0'), r, 'telegram:message/benchchan' || (g % 50000) || '/' || g, 'benchchan' || (g % 50000),
		g::text, 'sha256', 'bnk_terror', 'ent_' || (g % 10000 + 1), 'auto_action', 'action', 'ntc_' || lpad(g::text, 10, '0'),
		'act_' || lpad(g::text, 10, '0')
	FROM g WHERE g % 10 = 9`,
	`INSERT INTO events (at, type, notice_id, case_id, org_id, data, log_index, log_entry, log_salt)
	SELECT e.at, e.type, CASE WHEN e.type = 'case.lease_expired' THEN NULL ELSE 'ntc_' || lpad(g::text, 10, '0') END, 'case_' || lpad(g::text, 10, '0'),
		'org_platform', e.data, g * 4 + e.k, decode(md5(g::text || e.k) || md5(e.k || g::text), 'hex'), decode(md5(g::text || 's' || e.k), 'hex')
	FROM g, LATERAL (VALUES
		(0, r, 'notice.received', '{"kind":"' || kind || '","category":"terrorism","regime":"ID-PSE","due_at":"2025-01-01T04:00:00Z","subjects":1,"body_sha256":"' || md5(g::text) || '"}'),
		(1, r, 'case.opened', '{"subject":"telegram:message/benchchan' || (g % 50000) || '/' || g || '"}'),
		(2, r + 1000 + (g % 1800) * 1000, 'notice.status', '{"status":"in_review"}'),
		(3, r + 1000 + (g % 1800) * 1000 + (g % 3600) * 1000, CASE WHEN g % 20 = 0 THEN 'case.lease_expired' ELSE 'notice.decision' END,
			'{"decision_id":"dec_' || g || '","action":"remove","ground":"law","decided_at":"2025-01-01T01:00:00Z"}')
	) e(k, at, type, data)`,
}
