package action

import "slices"

// The actions a decision may take, and the one a reversal asks for.
const (
	Remove        = "remove"
	GeoRestrict   = "geo_restrict"
	Suspend       = "suspend"
	Restrict      = "restrict"
	NoAction      = "no_action"
	CannotExecute = "cannot_execute"
	Restore       = "restore"
)

// The lists below are functions so no caller can change the shared vocabulary
// by appending to or editing a package-level slice.

// Decisions lists the actions a decision may take, in the contract's order
// (the order reports show them in).
func Decisions() []string {
	return []string{Remove, GeoRestrict, Suspend, Restrict, NoAction, CannotExecute}
}

// Restricting lists the decision actions that restrict content, in the contract's order.
func Restricting() []string { return []string{Remove, GeoRestrict, Suspend, Restrict} }

// NotActioned lists the decision actions that leave the content as it is.
func NotActioned() []string { return []string{NoAction, CannotExecute} }

// Executable lists what enforcement carries out: the restricting actions and
// the restore a reversal asks for.
func Executable() []string { return append(Restricting(), Restore) }

// Restricts reports whether a decision action restricts the content, and so
// owes the affected user a statement of reasons and asks enforcement to act.
func Restricts(a string) bool { return slices.Contains(Restricting(), a) }
