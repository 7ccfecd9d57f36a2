package app

import (
	"errors"
	"fmt"
)

// ErrIncomplete is wrapped by Check when an App lacks a service.
var ErrIncomplete = errors.New("app: a service is missing")

// Check returns an error naming the first service a is missing. New builds
// them all, so a missing one means an App filled by hand: a programming
// error an adapter refuses at construction instead of inventing a
// stand-in that would misbehave later.
func (a *App) Check() error {
	if a == nil {
		return fmt.Errorf("%w: no App", ErrIncomplete)
	}
	for _, s := range []struct {
		name    string
		missing bool
	}{
		{"DB", a.DB == nil}, {"Log", a.Log == nil}, {"Clock", a.Clock == nil}, {"Policy", a.Policy == nil},
		{"Signer", a.Signer == nil}, {"Metrics", a.Metrics == nil}, {"Intake", a.Intake == nil}, {"Admin", a.Admin == nil},
		{"Accounts", a.Accounts == nil}, {"Review", a.Review == nil}, {"Flaggers", a.Flaggers == nil},
		{"Reports", a.Reports == nil}, {"Scanner", a.Scanner == nil}, {"Banks", a.Banks == nil}, {"Lists", a.Lists == nil},
		{"Jobs", a.Jobs == nil}, {"Webhooks", a.Webhooks == nil}, {"Enforce", a.Enforce == nil},
		{"Escalate", a.Escalate == nil}, {"Contacts", a.Contacts == nil}, {"TransLog", a.TransLog == nil}, {"SSO", a.SSO == nil},
	} {
		if s.missing {
			return fmt.Errorf("%w: %s", ErrIncomplete, s.name)
		}
	}
	return nil
}
