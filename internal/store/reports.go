package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sigap/sigap/internal/action"
	"github.com/sigap/sigap/internal/decision"
	"github.com/sigap/sigap/internal/notice"
)

// ReportQuery selects what a transparency report counts: notices received in
// [From, To), optionally only one org's, one regime's or one kind's, and
// everything that happened in [From, To) to the cases of those notices.
type ReportQuery struct {
	From, To time.Time
	// Now decides which open notices are past their deadline.
	Now time.Time
	// OrgID limits the report to one notifier's notices ("" for all).
	OrgID string
	// Regime and Kind limit the report to one regime's or one kind's notices (TCO: EU-TCO orders).
	Regime, Kind string
}

// ReportNoticeRow counts notices received in the period that share a kind,
// category, regime, territorial scope (as stored, a JSON array) and status.
type ReportNoticeRow struct {
	Kind      string
	Automated bool // filed by the scan (a scan_posts row), whatever its kind
	Category  string
	Regime    string
	Scope     string
	Status    string
	Notices   int64
	Subjects  int64
}

// ReportOutcomeRow counts notices by notifier, source, regime, class, what
// became of them and whether their deadline was met.
//
// Outcome follows trust.Compute: "pending" until every case of the notice has
// a final (or reversed) decision, then "reversed" when any decision was
// reversed on appeal, "actioned" when any case was restricted, else
// "rejected". Compliance is "on_time" or "late" once the notice is settled
// (every case decided, and every restricting decision carried out; an
// automated action carried out before review settles its case too), by its
// settled time against due_at (which clarification pauses moved); an
// unsettled notice is "overdue" once due_at has passed, else "open".
type ReportOutcomeRow struct {
	OrgID, OrgName, OrgKind string
	Source                  string // order, referral, flag, report or automated
	Regime, Class           string
	Outcome, Compliance     string
	Notices                 int64
}

// ReportDist is a distribution of durations in milliseconds: its count,
// median and 90th percentile (linear interpolation between the closest ranks,
// as PostgreSQL's percentile_cont), minimum and maximum. Group "" is the
// whole population of the measure.
type ReportDist struct {
	Measure, Group string
	N              int64
	P50, P90       float64
	Min, Max       int64
}

// ReportDecisionRow counts final or reversed decisions that took effect in the period.
type ReportDecisionRow struct {
	Action, Ground, Status string
	Automated              bool
	Decisions              int64
}

// ReportActionRow counts enforcement actions by action, source (review or
// scan) and state; Requested rows are by request time, Executed rows by
// execution time in the period.
type ReportActionRow struct {
	Action, Source, State string
	Actions               int64
}

// ReportCount is one count of a grouped figure.
type ReportCount struct {
	Key string
	N   int64
}

// ReportMessages counts a period's messages on notices and clock pauses.
type ReportMessages struct {
	Platform, Notifier       int64
	Clarifications           int64 // platform messages asking for clarification
	NoticesWithClarification int64
	PausesStarted            int64
	PausesEnded              int64
	PausedMS                 int64 // total time clocks stood still, over the pauses that ended
}

// ReportFigures are the aggregates a transparency report is built from.
type ReportFigures struct {
	Notices    []ReportNoticeRow
	Outcomes   []ReportOutcomeRow
	Times      []ReportDist // measures "ack", "decision", "action" by source
	Decisions  []ReportDecisionRow
	Requested  []ReportActionRow
	Executed   []ReportActionRow
	Messages   ReportMessages
	Objections []ReportCount // raised in the period, by status
	Appeals    []ReportCount // filed in the period, by status
	// AppealTimes is measure "appeal": filing to decision, for appeals decided in the period, by outcome.
	AppealTimes []ReportDist
	// ScanHits counts hits recorded in the period by outcome; only when no org, regime or kind is set.
	ScanHits []ReportCount
}

// restricting is action.Restricting as an SQL list, for IN and NOT IN.
var restricting = sqlList(action.Restricting())

// sqlList quotes fixed vocabulary (never user input) as an SQL list: ('a', 'b').
func sqlList(words []string) string { return "('" + strings.Join(words, "', '") + "')" }

// ackEventTypes are the timeline events on a notice that show the platform
// handling it: a reviewer claimed its case (notice.status in_review) or it
// moved on, a decision, a clarification request or clock pause, an objection.
const ackEventTypes = `('notice.status', 'notice.decision', 'clarification.requested', 'clock.paused', 'objection.raised')`

// sqlText builds a statement and its arguments together, so each ? gets its value in order.
type sqlText struct {
	b    strings.Builder
	args []any
}

func (s *sqlText) add(q string, args ...any) *sqlText {
	s.b.WriteString(q)
	s.args = append(s.args, args...)
	return s
}

// noticeFilter is the WHERE condition on notices n that q selects.
func (s *sqlText) noticeFilter(q ReportQuery) *sqlText {
	s.add(`n.received_at >= ? AND n.received_at < ?`, ms(q.From), ms(q.To))
	s.noticeOwner(q)
	return s
}

// noticeOwner adds q's org, regime and kind conditions on notices n.
func (s *sqlText) noticeOwner(q ReportQuery) *sqlText {
	if q.OrgID != "" {
		s.add(` AND n.org_id = ?`, q.OrgID)
	}
	if q.Regime != "" {
		s.add(` AND n.regime = ?`, q.Regime)
	}
	if q.Kind != "" {
		s.add(` AND n.kind = ?`, q.Kind)
	}
	return s
}

// caseFilter limits rows with a case_id column to cases that carry a notice q
// selects by owner; it adds nothing for a platform-wide report.
func (s *sqlText) caseFilter(q ReportQuery, col string) *sqlText {
	if q.OrgID == "" && q.Regime == "" && q.Kind == "" {
		return s
	}
	s.add(` AND ` + col + ` IN (SELECT ns.case_id FROM notice_subjects ns JOIN notices n ON n.id = ns.notice_id WHERE 1 = 1`)
	s.noticeOwner(q)
	return s.add(`)`)
}

// scoped reports whether q narrows the report to some notices.
func (q ReportQuery) scoped() bool { return q.OrgID != "" || q.Regime != "" || q.Kind != "" }

// reportTx runs fn in one read transaction, so every figure of a report
// comes from the same snapshot, with more sort and hash memory than the
// default work_mem on PostgreSQL.
func (db *DB) reportTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.beginReport(ctx, "")
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// beginReport opens a report's read transaction; on PostgreSQL snapshot, when
// set, makes it see exactly what the transaction that exported it sees.
func (db *DB) beginReport(ctx context.Context, snapshot string) (*sql.Tx, error) {
	opts := &sql.TxOptions{}
	if db.dialect == Postgres {
		// Not read-only: the facts go into a temporary table.
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead}
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("store: report: %w", err)
	}
	if db.dialect == Postgres {
		stmts := []string{`SET LOCAL work_mem = '256MB'`}
		if snapshot != "" {
			// SET TRANSACTION SNAPSHOT must come before any query.
			stmts = append([]string{`SET TRANSACTION SNAPSHOT '` + strings.ReplaceAll(snapshot, "'", "") + `'`}, stmts...)
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				tx.Rollback()
				return nil, fmt.Errorf("store: report: %w", err)
			}
		}
	}
	return tx, nil
}

// appendCounts is an each callback that appends every (key, count) row to dst.
func appendCounts(dst *[]ReportCount) func(*sql.Rows) error {
	return func(rows *sql.Rows) error {
		var c ReportCount
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return err
		}
		*dst = append(*dst, c)
		return nil
	}
}

// each runs a query in tx and calls scan for every row.
func (db *DB) each(ctx context.Context, tx *sql.Tx, what string, s *sqlText, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, rebind(db.dialect, s.b.String()), s.args...)
	if err != nil {
		return fmt.Errorf("store: report %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("store: report %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: report %s: %w", what, err)
	}
	return nil
}

// ReportFigures computes the aggregates of a transparency report in one read
// transaction. Every count is a GROUP BY in the database; the durations'
// percentiles are percentile_cont on PostgreSQL and a window over the sorted
// values on SQLite, so memory stays bounded whatever the period holds.
func (db *DB) ReportFigures(ctx context.Context, q ReportQuery) (*ReportFigures, error) {
	type step struct {
		name string
		run  func(context.Context, *sql.Tx, ReportQuery, *ReportFigures) error
	}
	run := func(tx *sql.Tx, f *ReportFigures, steps ...step) error {
		for _, st := range steps {
			start := time.Now()
			if err := st.run(ctx, tx, q, f); err != nil {
				return err
			}
			db.log.DebugContext(ctx, "report step", "step", st.name, "took", time.Since(start))
		}
		return nil
	}
	facts := step{"facts", db.reportFacts}
	rest := []step{{"decisions", db.reportDecisions}, {"actions", db.reportActions}, {"dialogue", db.reportDialogue},
		{"appeals", db.reportAppeals}, {"scan", db.reportScan}}
	f := &ReportFigures{}
	if db.dialect != Postgres {
		err := db.reportTx(ctx, func(tx *sql.Tx) error { return run(tx, f, append([]step{facts}, rest...)...) })
		if err != nil {
			return nil, err
		}
		return f, nil
	}
	// On PostgreSQL the per-notice facts take most of the time; the other
	// aggregates run meanwhile on a second connection that imports the first
	// one's snapshot, so the report still reads one consistent state.
	tx, err := db.beginReport(ctx, "")
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var snapshot string
	if err := tx.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&snapshot); err != nil {
		return nil, fmt.Errorf("store: report: export snapshot: %w", err)
	}
	other := &ReportFigures{}
	imported, done := make(chan error, 1), make(chan error, 1)
	go func() {
		tx2, err := db.beginReport(ctx, snapshot)
		imported <- err
		if err != nil {
			done <- err
			return
		}
		defer tx2.Rollback()
		if err := run(tx2, other, rest...); err != nil {
			done <- err
			return
		}
		done <- tx2.Commit()
	}()
	// The snapshot can be imported only while its exporter is open.
	if err := <-imported; err != nil {
		<-done
		return nil, err
	}
	err = run(tx, f, facts)
	if err2 := <-done; err == nil {
		err = err2
	}
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: report: %w", err)
	}
	f.Decisions, f.Requested, f.Executed, f.Messages = other.Decisions, other.Requested, other.Executed, other.Messages
	f.Objections, f.Appeals, f.AppealTimes, f.ScanHits = other.Objections, other.Appeals, other.AppealTimes, other.ScanHits
	return f, nil
}

// sourceNames are a notice's sources by their code in the database (integers sort
// and group faster than text): its kind, in notice's kind table order, or
// automated (the last code) when the scan filed it.
var sourceNames = append(notice.KindNames(), "automated")

// sourceAutomated is the code of a notice the scan filed.
var sourceAutomated = len(sourceNames) - 1

// sourceCase is the SQL expression of a notice's source code, as sourceNames lists them.
var sourceCase = func() string {
	b := strings.Builder{}
	b.WriteString("CASE WHEN MAX(sp.notice_id) IS NOT NULL THEN " + strconv.Itoa(sourceAutomated))
	kinds := notice.KindNames()
	for i, k := range kinds[:len(kinds)-1] {
		b.WriteString(" WHEN n.kind = '" + k + "' THEN " + strconv.Itoa(i))
	}
	b.WriteString(" ELSE " + strconv.Itoa(len(kinds)-1) + " END")
	return b.String()
}()

// measureNames are the durations a report measures, by their code in the database.
var measureNames = []string{"ack", "decision", "action", "appeal"}

// factsSelect is a SELECT of one row per notice q selects: who sent it, its
// kind and source (src: a code of sourceNames), category, regime, class,
// territorial scope, status and subject count, its outcome and deadline
// compliance (see ReportOutcomeRow), and its durations in milliseconds from
// receipt: to first acknowledgement (t_ack), to the last case decided
// (t_decision, once all are) and to the last action carried out (t_action,
// once the notice is settled with at least one action).
//
// It is one pass over the notices joined to their cases' decisions and
// executed actions and grouped by notice, so every per-case figure is a MIN
// or MAX (a case named twice in a notice, or carried out twice, counts once).
// The first platform-side event and message are grouped per notice first.
func factsSelect(q ReportQuery) *sqlText {
	s := new(sqlText)
	s.add(`SELECT g.org_id, g.kind, g.src, g.category, g.regime, g.class, g.scope, g.status, g.subjects,
		CASE WHEN g.all_decided = 0 THEN 'pending' WHEN g.reversed = 1 THEN 'reversed'
			WHEN g.acted = 1 THEN 'actioned' ELSE 'rejected' END AS outcome,
		CASE WHEN g.all_done = 1 THEN (CASE WHEN g.done_at <= g.due_at THEN 'on_time' ELSE 'late' END)
			WHEN g.due_at <= ? THEN 'overdue' ELSE 'open' END AS compliance,
		CASE WHEN g.all_decided = 1 THEN g.decided_at - g.received_at END AS t_decision,
		CASE WHEN g.all_done = 1 AND g.executed_at IS NOT NULL THEN
			(CASE WHEN g.executed_at > g.received_at THEN g.executed_at - g.received_at ELSE 0 END) END AS t_action,
		CASE WHEN g.ack_message IS NULL OR (g.ack_event IS NOT NULL AND g.ack_event < g.ack_message) THEN g.ack_event
			ELSE g.ack_message END - g.received_at AS t_ack
	FROM (
		SELECT n.org_id, n.kind,
			`+sourceCase+` AS src,
			n.category, n.regime, n.class, n.territorial_scope AS scope, n.status, n.subject_count AS subjects,
			n.received_at, n.due_at,
			MIN(CASE WHEN d.case_id IS NULL THEN 0 ELSE 1 END) AS all_decided,
			MAX(CASE WHEN d.status = 'reversed' THEN 1 ELSE 0 END) AS reversed,
			MAX(CASE WHEN d.status = 'final' AND d.action IN `+restricting+` THEN 1 ELSE 0 END) AS acted,
			MAX(COALESCE(d.effective_at, d.created_at)) AS decided_at,
			MAX(ea.executed_at) AS executed_at,
			MIN(CASE WHEN (d.case_id IS NOT NULL AND d.action NOT IN `+restricting+`) OR ea.executed_at IS NOT NULL
				THEN 1 ELSE 0 END) AS all_done,
			MAX(CASE WHEN d.case_id IS NOT NULL AND d.action NOT IN `+restricting+` THEN COALESCE(d.effective_at, d.created_at)
				ELSE ea.executed_at END) AS done_at,
			MIN(ae.at) AS ack_event, MIN(am.at) AS ack_message
		FROM notices n
		JOIN notice_subjects ns ON ns.notice_id = n.id
		LEFT JOIN decisions d ON d.case_id = ns.case_id AND d.status IN ('final', 'reversed')
		LEFT JOIN enforcement_actions ea ON ea.case_id = ns.case_id AND ea.state = 'executed' AND ea.action <> 'restore'
		LEFT JOIN (SELECT e.notice_id, MIN(e.at) AS at FROM events e
			WHERE e.type IN `+ackEventTypes+` AND e.notice_id IS NOT NULL GROUP BY e.notice_id) ae ON ae.notice_id = n.id
		LEFT JOIN (SELECT m.notice_id, MIN(m.created_at) AS at FROM messages m
			WHERE m.side = 'platform' GROUP BY m.notice_id) am ON am.notice_id = n.id
		LEFT JOIN scan_posts sp ON sp.notice_id = n.id
		WHERE `, ms(q.Now)).noticeFilter(q)
	s.add(`
		GROUP BY n.id, n.org_id, n.kind, n.category, n.regime, n.class, n.territorial_scope, n.status, n.subject_count,
			n.received_at, n.due_at
	) g`)
	return s
}

// reportFacts computes the per-notice facts once and aggregates them: one
// breakdown of the notices by every dimension the report shows (folded in Go
// into the notice and outcome figures), and the durations' percentiles.
//
// On PostgreSQL the facts go into a temporary table dropped at commit, so
// the joins over millions of rows run once. They are planned as merge joins
// over the indexes of migration 00090, which read every input in key order
// (each notice's cases through notice_subjects_report, decisions_report and
// enforcement_actions_report; its first acknowledgement through events_ack);
// the planner, costing those index scans as random reads, otherwise picks
// hash joins that were measured two to four times slower, for a month of
// notices as for a year (docs/benchmarks/report.md). SQLite, whose read
// connections may not write, repeats the facts as a common table expression
// in each aggregate.
func (db *DB) reportFacts(ctx context.Context, tx *sql.Tx, q ReportQuery, f *ReportFigures) error {
	// with opens each aggregate: nothing on PostgreSQL, the facts as f on SQLite.
	with := func() *sqlText { return new(sqlText) }
	facts := "report_facts f"
	if db.dialect == Postgres {
		fs := factsSelect(q)
		start := time.Now()
		// The per-case rows are sorted into notice order in memory (about 150
		// bytes a notice); a larger period spills to disk, slower but bounded.
		for _, stmt := range []string{`SET LOCAL enable_hashjoin = off`, `SET LOCAL max_parallel_workers_per_gather = 0`,
			`SET LOCAL work_mem = '512MB'`,
			rebind(db.dialect, `CREATE TEMPORARY TABLE report_facts ON COMMIT DROP AS `+fs.b.String()),
			`SET LOCAL enable_hashjoin = on`, `RESET max_parallel_workers_per_gather`, `SET LOCAL work_mem = '256MB'`} {
			var args []any
			if strings.HasPrefix(stmt, "CREATE") {
				args = fs.args
			}
			if _, err := tx.ExecContext(ctx, stmt, args...); err != nil {
				return fmt.Errorf("store: report facts: %w", err)
			}
		}
		db.log.DebugContext(ctx, "report step", "step", "facts", "took", time.Since(start))
	} else {
		facts = "f"
		with = func() *sqlText {
			fs := factsSelect(q)
			return new(sqlText).add(`WITH f AS (`+fs.b.String()+`)`, fs.args...)
		}
	}
	orgs := map[string][2]string{}
	if err := db.each(ctx, tx, "orgs", new(sqlText).add(`SELECT id, name, kind FROM orgs`), func(rows *sql.Rows) error {
		var id, name, kind string
		if err := rows.Scan(&id, &name, &kind); err != nil {
			return err
		}
		orgs[id] = [2]string{name, kind}
		return nil
	}); err != nil {
		return err
	}
	s := with().add(`
	SELECT f.org_id, f.kind, f.src, f.category, f.regime, f.class, f.scope, f.status, f.outcome, f.compliance, COUNT(*),
		COALESCE(SUM(f.subjects), 0)
	FROM ` + facts + `
	GROUP BY f.org_id, f.kind, f.src, f.category, f.regime, f.class, f.scope, f.status, f.outcome, f.compliance`)
	type okey struct{ org, src, regime, class, outcome, compliance string }
	outcomes := map[okey]int64{}
	var order []okey
	if err := db.each(ctx, tx, "notices", s, func(rows *sql.Rows) error {
		var r ReportNoticeRow
		var k okey
		var src int
		if err := rows.Scan(&k.org, &r.Kind, &src, &r.Category, &r.Regime, &k.class, &r.Scope, &r.Status,
			&k.outcome, &k.compliance, &r.Notices, &r.Subjects); err != nil {
			return err
		}
		if src < 0 || src >= len(sourceNames) {
			return fmt.Errorf("unknown source code %d", src)
		}
		r.Automated = src == sourceAutomated
		k.src, k.regime = sourceNames[src], r.Regime
		f.Notices = append(f.Notices, r)
		if _, ok := outcomes[k]; !ok {
			order = append(order, k)
		}
		outcomes[k] += r.Notices
		return nil
	}); err != nil {
		return err
	}
	for _, k := range order {
		o := orgs[k.org]
		f.Outcomes = append(f.Outcomes, ReportOutcomeRow{OrgID: k.org, OrgName: o[0], OrgKind: o[1], Source: k.src, Regime: k.regime,
			Class: k.class, Outcome: k.outcome, Compliance: k.compliance, Notices: outcomes[k]})
	}
	if db.dialect == Postgres {
		// One pass: each duration sorted once per source and once for all
		// (ROLLUP), with no outer sort of a union of the three.
		s := new(sqlText).add(`SELECT src`)
		for _, c := range []string{"t_ack", "t_decision", "t_action"} {
			s.add(`, COUNT(` + c + `), percentile_cont(0.5) WITHIN GROUP (ORDER BY ` + c + `), percentile_cont(0.9) WITHIN GROUP (ORDER BY ` + c + `),
				COALESCE(MIN(` + c + `), 0), COALESCE(MAX(` + c + `), 0)`)
		}
		s.add(` FROM report_facts GROUP BY ROLLUP (src)`)
		return db.each(ctx, tx, "times", s, func(rows *sql.Rows) error {
			var src sql.NullInt64
			var ds [3]ReportDist
			var p50, p90 [3]sql.NullFloat64
			if err := rows.Scan(&src, &ds[0].N, &p50[0], &p90[0], &ds[0].Min, &ds[0].Max, &ds[1].N, &p50[1], &p90[1], &ds[1].Min, &ds[1].Max,
				&ds[2].N, &p50[2], &p90[2], &ds[2].Min, &ds[2].Max); err != nil {
				return err
			}
			for i := range ds {
				if ds[i].N == 0 {
					continue
				}
				ds[i].Measure, ds[i].P50, ds[i].P90 = measureNames[i], p50[i].Float64, p90[i].Float64
				if src.Valid {
					ds[i].Group = sourceNames[src.Int64]
				}
				f.Times = append(f.Times, ds[i])
			}
			return nil
		})
	}
	s = with()
	if s.b.Len() == 0 {
		s.add(`WITH `)
	} else {
		s.add(`, `)
	}
	s.add(`m AS (
		SELECT 0 AS measure, src AS grp, t_ack AS v FROM ` + facts + `
		UNION ALL SELECT 1, src, t_decision FROM ` + facts + `
		UNION ALL SELECT 2, src, t_action FROM ` + facts + `
	)`)
	var err error
	f.Times, err = db.dists(ctx, tx, "times", s, sourceNames)
	return err
}

// dists completes s, a WITH clause whose table m holds (measure, grp, v)
// rows, measure a code of measureNames and grp one of groups, into the
// distribution of v per measure and group and per measure.
func (db *DB) dists(ctx context.Context, tx *sql.Tx, what string, s *sqlText, groups []string) ([]ReportDist, error) {
	var out []ReportDist
	name := func(list []string, i sql.NullInt64) string {
		if !i.Valid || i.Int64 < 0 || int(i.Int64) >= len(list) {
			return ""
		}
		return list[i.Int64]
	}
	if db.dialect == Postgres {
		s.add(`
		SELECT measure, grp, COUNT(v), percentile_cont(0.5) WITHIN GROUP (ORDER BY v), percentile_cont(0.9) WITHIN GROUP (ORDER BY v),
			MIN(v), MAX(v)
		FROM m WHERE v IS NOT NULL GROUP BY GROUPING SETS ((measure, grp), (measure))`)
		err := db.each(ctx, tx, what, s, func(rows *sql.Rows) error {
			var d ReportDist
			var m, grp sql.NullInt64
			if err := rows.Scan(&m, &grp, &d.N, &d.P50, &d.P90, &d.Min, &d.Max); err != nil {
				return err
			}
			d.Measure, d.Group = name(measureNames, m), name(groups, grp)
			out = append(out, d)
			return nil
		})
		return out, err
	}
	// SQLite has no percentile aggregate: number the sorted values of each
	// group and keep only the ranks the figures need; the interpolation
	// happens here, over at most six rows per group.
	s.add(`,
	u AS (SELECT measure, grp, v FROM m WHERE v IS NOT NULL UNION ALL SELECT measure, NULL, v FROM m WHERE v IS NOT NULL),
	r AS (SELECT measure, grp, v, ROW_NUMBER() OVER (PARTITION BY measure, grp ORDER BY v) - 1 AS i,
		COUNT(*) OVER (PARTITION BY measure, grp) AS n FROM u)
	SELECT measure, grp, n, i, v FROM r
	WHERE i = 0 OR i = n - 1 OR i = (n - 1) * 5 / 10 OR i = (n - 1) * 5 / 10 + 1 OR i = (n - 1) * 9 / 10 OR i = (n - 1) * 9 / 10 + 1
	ORDER BY measure, grp, i`)
	type key struct{ m, g string }
	ranks := map[key]map[int64]int64{}
	counts := map[key]int64{}
	var order []key
	err := db.each(ctx, tx, what, s, func(rows *sql.Rows) error {
		var m, grp sql.NullInt64
		var n, i, v int64
		if err := rows.Scan(&m, &grp, &n, &i, &v); err != nil {
			return err
		}
		k := key{name(measureNames, m), name(groups, grp)}
		if ranks[k] == nil {
			ranks[k] = map[int64]int64{}
			order = append(order, k)
		}
		ranks[k][i], counts[k] = v, n
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, k := range order {
		n, r := counts[k], ranks[k]
		out = append(out, ReportDist{Measure: k.m, Group: k.g, N: n, Min: r[0], Max: r[n-1],
			P50: interpolate(r, n, 5), P90: interpolate(r, n, 9)})
	}
	return out, nil
}

// interpolate is percentile_cont(tenths/10) over the ranks of n sorted values.
func interpolate(r map[int64]int64, n, tenths int64) float64 {
	lo := (n - 1) * tenths / 10
	frac := float64((n-1)*tenths%10) / 10
	if frac == 0 || lo+1 >= n {
		return float64(r[lo])
	}
	return float64(r[lo]) + frac*float64(r[lo+1]-r[lo])
}

// decidedAt is when a decision took effect: its approval, or its making when none was needed.
const decidedAt = `COALESCE(d.effective_at, d.created_at)`

func (db *DB) reportDecisions(ctx context.Context, tx *sql.Tx, q ReportQuery, f *ReportFigures) error {
	s := new(sqlText).add(`SELECT d.action, d.ground_type, d.status, d.automated, COUNT(*) FROM decisions d
		WHERE d.status IN ('final', 'reversed') AND `+decidedAt+` >= ? AND `+decidedAt+` < ?`, ms(q.From), ms(q.To)).
		caseFilter(q, "d.case_id").
		add(` GROUP BY d.action, d.ground_type, d.status, d.automated`)
	return db.each(ctx, tx, "decisions", s, func(rows *sql.Rows) error {
		var r ReportDecisionRow
		if err := rows.Scan(&r.Action, &r.Ground, &r.Status, &r.Automated, &r.Decisions); err != nil {
			return err
		}
		f.Decisions = append(f.Decisions, r)
		return nil
	})
}

func (db *DB) reportActions(ctx context.Context, tx *sql.Tx, q ReportQuery, f *ReportFigures) error {
	s := new(sqlText).add(`SELECT ea.action, ea.source, ea.state, COUNT(*) FROM enforcement_actions ea
		WHERE ea.requested_at >= ? AND ea.requested_at < ?`, ms(q.From), ms(q.To)).
		caseFilter(q, "ea.case_id").
		add(` GROUP BY ea.action, ea.source, ea.state`)
	if err := db.each(ctx, tx, "actions requested", s, func(rows *sql.Rows) error {
		var r ReportActionRow
		if err := rows.Scan(&r.Action, &r.Source, &r.State, &r.Actions); err != nil {
			return err
		}
		f.Requested = append(f.Requested, r)
		return nil
	}); err != nil {
		return err
	}
	s = new(sqlText).add(`SELECT ea.action, ea.source, COUNT(*) FROM enforcement_actions ea
		WHERE ea.state = 'executed' AND ea.executed_at >= ? AND ea.executed_at < ?`, ms(q.From), ms(q.To)).
		caseFilter(q, "ea.case_id").
		add(` GROUP BY ea.action, ea.source`)
	return db.each(ctx, tx, "actions executed", s, func(rows *sql.Rows) error {
		r := ReportActionRow{State: action.StateExecuted}
		if err := rows.Scan(&r.Action, &r.Source, &r.Actions); err != nil {
			return err
		}
		f.Executed = append(f.Executed, r)
		return nil
	})
}

func (db *DB) reportDialogue(ctx context.Context, tx *sql.Tx, q ReportQuery, f *ReportFigures) error {
	s := new(sqlText).add(`SELECT m.side, m.clarification, COUNT(*), COUNT(DISTINCT m.notice_id)
		FROM messages m JOIN notices n ON n.id = m.notice_id WHERE m.created_at >= ? AND m.created_at < ?`, ms(q.From), ms(q.To)).
		noticeOwner(q).add(` GROUP BY m.side, m.clarification`)
	if err := db.each(ctx, tx, "messages", s, func(rows *sql.Rows) error {
		var side string
		var clar bool
		var n, notices int64
		if err := rows.Scan(&side, &clar, &n, &notices); err != nil {
			return err
		}
		switch {
		case side == "platform" && clar:
			f.Messages.Platform += n
			f.Messages.Clarifications += n
			f.Messages.NoticesWithClarification += notices
		case side == "platform":
			f.Messages.Platform += n
		default:
			f.Messages.Notifier += n
		}
		return nil
	}); err != nil {
		return err
	}
	s = new(sqlText).add(`SELECT COUNT(*), COUNT(p.ended_at), COALESCE(SUM(p.ended_at - p.started_at), 0)
		FROM clock_pauses p JOIN notices n ON n.id = p.notice_id WHERE p.started_at >= ? AND p.started_at < ?`, ms(q.From), ms(q.To)).
		noticeOwner(q)
	if err := db.each(ctx, tx, "pauses", s, func(rows *sql.Rows) error {
		return rows.Scan(&f.Messages.PausesStarted, &f.Messages.PausesEnded, &f.Messages.PausedMS)
	}); err != nil {
		return err
	}
	s = new(sqlText).add(`SELECT o.status, COUNT(*) FROM objections o JOIN notices n ON n.id = o.notice_id
		WHERE o.created_at >= ? AND o.created_at < ?`, ms(q.From), ms(q.To)).
		noticeOwner(q).add(` GROUP BY o.status`)
	return db.each(ctx, tx, "objections", s, appendCounts(&f.Objections))
}

func (db *DB) reportAppeals(ctx context.Context, tx *sql.Tx, q ReportQuery, f *ReportFigures) error {
	s := new(sqlText).add(`SELECT a.status, COUNT(*) FROM appeals a WHERE a.created_at >= ? AND a.created_at < ?`, ms(q.From), ms(q.To)).
		caseFilter(q, "a.case_id").add(` GROUP BY a.status`)
	if err := db.each(ctx, tx, "appeals", s, appendCounts(&f.Appeals)); err != nil {
		return err
	}
	s = new(sqlText).add(`WITH m AS (SELECT 3 AS measure, CASE a.status WHEN 'upheld' THEN 0 WHEN 'reversed' THEN 1 ELSE 2 END AS grp,
			a.decided_at - a.created_at AS v FROM appeals a
		WHERE a.decided_at >= ? AND a.decided_at < ?`, ms(q.From), ms(q.To)).
		caseFilter(q, "a.case_id").add(`)`)
	var err error
	f.AppealTimes, err = db.dists(ctx, tx, "appeal times", s, []string{decision.AppealUpheld, decision.AppealReversed, "other"})
	return err
}

func (db *DB) reportScan(ctx context.Context, tx *sql.Tx, q ReportQuery, f *ReportFigures) error {
	if q.scoped() {
		return nil // hits belong to the platform's own scanning, not to any notifier
	}
	s := new(sqlText).add(`SELECT outcome, COUNT(*) FROM scan_hits WHERE at >= ? AND at < ? GROUP BY outcome`, ms(q.From), ms(q.To))
	return db.each(ctx, tx, "scan hits", s, appendCounts(&f.ScanHits))
}

// SpecificMeasures are the EU TCO Art. 7(3) figures of the platform's own
// measures against terrorist content (Art. 5): the hash banks and rule lists
// labelled terrorism, their hits, and the automated notices and actions they led to.
type SpecificMeasures struct {
	Banks, Lists     int64 // enabled sets labelled terrorism
	Entries          int64 // their live entries
	Hits             int64 // their hits in the period
	AutomatedNotices int64 // notices of category terrorism the scan filed in the period
	// Actions are the scan's enforcement actions on terrorism notices, requested in the period, by action and state.
	Actions []ReportActionRow
	// Executed counts those carried out in the period, by action.
	Executed []ReportActionRow
	// Appeals counts appeals filed in the period on cases of automated terrorism notices, by status.
	Appeals []ReportCount
	// Reinstated counts restore actions carried out in the period on those cases.
	Reinstated int64
}

// terrorismLabel matches a set's labels (a JSON array of strings) holding terrorism.
const terrorismLabel = `'%"terrorism"%'`

// ReportSpecificMeasures computes the platform's specific-measure figures for [from, to).
func (db *DB) ReportSpecificMeasures(ctx context.Context, from, to time.Time) (*SpecificMeasures, error) {
	sm := &SpecificMeasures{}
	// A case is an automated terrorism case when an automated notice of category terrorism is on it.
	const autoCase = ` AND EXISTS (SELECT 1 FROM notice_subjects ns JOIN notices n ON n.id = ns.notice_id
		JOIN scan_posts sp ON sp.notice_id = n.id WHERE ns.case_id = %s AND n.category = 'terrorism')`
	err := db.reportTx(ctx, func(tx *sql.Tx) error {
		s := new(sqlText).add(`SELECT family, COUNT(*) FROM filter_sets WHERE enabled AND labels LIKE ` + terrorismLabel + ` GROUP BY family`)
		if err := db.each(ctx, tx, "measures", s, func(rows *sql.Rows) error {
			var fam string
			var n int64
			if err := rows.Scan(&fam, &n); err != nil {
				return err
			}
			if fam == "bank" {
				sm.Banks += n
			} else {
				sm.Lists += n
			}
			return nil
		}); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT COUNT(*) FROM filter_entries e JOIN filter_sets fs ON fs.id = e.set_id
			WHERE fs.enabled AND fs.labels LIKE ` + terrorismLabel + ` AND e.removed_at IS NULL`)
		if err := db.each(ctx, tx, "measure entries", s, func(rows *sql.Rows) error { return rows.Scan(&sm.Entries) }); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT COUNT(*) FROM scan_hits h JOIN filter_sets fs ON fs.id = h.set_id
			WHERE fs.labels LIKE `+terrorismLabel+` AND h.at >= ? AND h.at < ?`, ms(from), ms(to))
		if err := db.each(ctx, tx, "measure hits", s, func(rows *sql.Rows) error { return rows.Scan(&sm.Hits) }); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT COUNT(*) FROM notices n JOIN scan_posts sp ON sp.notice_id = n.id
			WHERE n.category = 'terrorism' AND n.received_at >= ? AND n.received_at < ?`, ms(from), ms(to))
		if err := db.each(ctx, tx, "automated notices", s, func(rows *sql.Rows) error { return rows.Scan(&sm.AutomatedNotices) }); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT ea.action, ea.state, COUNT(*) FROM enforcement_actions ea JOIN notices n ON n.id = ea.notice_id
			WHERE ea.source = 'scan' AND n.category = 'terrorism' AND ea.requested_at >= ? AND ea.requested_at < ?
			GROUP BY ea.action, ea.state`, ms(from), ms(to))
		if err := db.each(ctx, tx, "measure actions", s, func(rows *sql.Rows) error {
			r := ReportActionRow{Source: "scan"}
			if err := rows.Scan(&r.Action, &r.State, &r.Actions); err != nil {
				return err
			}
			sm.Actions = append(sm.Actions, r)
			return nil
		}); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT ea.action, COUNT(*) FROM enforcement_actions ea JOIN notices n ON n.id = ea.notice_id
			WHERE ea.source = 'scan' AND n.category = 'terrorism' AND ea.state = 'executed' AND ea.executed_at >= ? AND ea.executed_at < ?
			GROUP BY ea.action`, ms(from), ms(to))
		if err := db.each(ctx, tx, "measure executed", s, func(rows *sql.Rows) error {
			r := ReportActionRow{Source: "scan", State: action.StateExecuted}
			if err := rows.Scan(&r.Action, &r.Actions); err != nil {
				return err
			}
			sm.Executed = append(sm.Executed, r)
			return nil
		}); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT a.status, COUNT(*) FROM appeals a WHERE a.created_at >= ? AND a.created_at < ?`+
			fmt.Sprintf(autoCase, "a.case_id")+` GROUP BY a.status`, ms(from), ms(to))
		if err := db.each(ctx, tx, "measure appeals", s, appendCounts(&sm.Appeals)); err != nil {
			return err
		}
		s = new(sqlText).add(`SELECT COUNT(*) FROM enforcement_actions ea WHERE ea.action = 'restore' AND ea.state = 'executed'
			AND ea.executed_at >= ? AND ea.executed_at < ?`+fmt.Sprintf(autoCase, "ea.case_id"), ms(from), ms(to))
		return db.each(ctx, tx, "measure reinstated", s, func(rows *sql.Rows) error { return rows.Scan(&sm.Reinstated) })
	})
	if err != nil {
		return nil, err
	}
	return sm, nil
}
