package action_test

import (
	"slices"
	"testing"

	"github.com/sigap/sigap/internal/action"
)

func TestRestricts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		action string
		want   bool
	}{
		{action.Remove, true},
		{action.GeoRestrict, true},
		{action.Suspend, true},
		{action.Restrict, true},
		{action.NoAction, false},
		{action.CannotExecute, false},
		{action.Restore, false},
		{"review", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			t.Parallel()
			if got := action.Restricts(tt.action); got != tt.want {
				t.Errorf("Restricts(%q) = %v, want %v", tt.action, got, tt.want)
			}
		})
	}
}

// TestLists checks that the lists partition the decision actions and cannot be changed by a caller.
func TestLists(t *testing.T) {
	t.Parallel()
	both := append(action.Restricting(), action.NotActioned()...)
	if !slices.Equal(both, action.Decisions()) {
		t.Errorf("Restricting+NotActioned = %v, want Decisions %v", both, action.Decisions())
	}
	for _, a := range action.NotActioned() {
		if action.Restricts(a) {
			t.Errorf("%q is both not actioned and restricting", a)
		}
	}
	l := action.Restricting()
	l[0] = "changed"
	if action.Restricting()[0] != action.Remove {
		t.Error("a caller changed the shared list")
	}
	if ex := action.Executable(); ex[len(ex)-1] != action.Restore || len(ex) != len(action.Restricting())+1 {
		t.Errorf("Executable() = %v, want the restricting actions then restore", ex)
	}
}
