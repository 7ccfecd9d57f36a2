package app

import (
	"context"

	"github.com/sigap/sigap/internal/feed"
	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/retro"
)

// buildIncidents wires the retroactive scans and the crisis protocol: every
// entry added by hand or import queues its retroactive scan in the same
// transaction, and every notice the scanner files is told to both (the
// retroactive mark, the incident lane). An incident's sets are shared at
// once with the subscriber of every live share (feedSharer).
func (a *App) buildIncidents() {
	a.Retro = &retro.Service{DB: a.DB, Clock: a.Clock, Log: a.Log, Window: a.Config.RetroWindow}
	a.Incidents = &incident.Service{DB: a.DB, Clock: a.Clock, Log: a.Log, Policy: a.Policy, Banks: a.Banks, Lists: a.Lists,
		Alert: a.Escalate.AlertTx, Sharer: feedSharer{a.Feeds}}
	a.Banks.OnEntries = a.Retro.EntriesAddedTx
	a.Lists.OnEntries = a.Retro.EntriesAddedTx
	a.Scanner.OnFiled(a.Retro.Filed)
	a.Scanner.OnFiled(a.Incidents.Filed)
}

// feedSharer shares a declared incident's bank and list with every
// subscriber at a priority poll, and lifts the priority when it closes.
type feedSharer struct{ feeds *feed.Service }

func (s feedSharer) IncidentDeclared(ctx context.Context, in incident.Incident) error {
	return s.feeds.ShareIncident(ctx, in.Name, in.BankID, in.ListID)
}

func (s feedSharer) IncidentClosed(ctx context.Context, _ incident.Incident) error {
	return s.feeds.EndIncident(ctx)
}
