package app

import (
	"github.com/sigap/sigap/internal/incident"
	"github.com/sigap/sigap/internal/retro"
)

// buildIncidents wires the retroactive scans and the crisis protocol: every
// entry added by hand or import queues its retroactive scan in the same
// transaction, and every notice the scanner files is told to both (the
// retroactive mark, the incident lane). Sharing an incident's sets with
// subscribers is NoSharing until the feeds package supplies a Sharer: set
// a.Incidents.Sharer to it here.
func (a *App) buildIncidents() {
	a.Retro = &retro.Service{DB: a.DB, Clock: a.Clock, Log: a.Log, Window: a.Config.RetroWindow}
	a.Incidents = &incident.Service{DB: a.DB, Clock: a.Clock, Log: a.Log, Policy: a.Policy, Banks: a.Banks, Lists: a.Lists,
		Alert: a.Escalate.AlertTx, Sharer: incident.NoSharing{}}
	a.Banks.OnEntries = a.Retro.EntriesAddedTx
	a.Lists.OnEntries = a.Retro.EntriesAddedTx
	a.Scanner.OnFiled(a.Retro.Filed)
	a.Scanner.OnFiled(a.Incidents.Filed)
}
