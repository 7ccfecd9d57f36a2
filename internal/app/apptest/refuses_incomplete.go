package apptest

import (
	"errors"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/app"
)

// Drop leaves one service out of an App; Name is how the refusal names it.
type Drop struct {
	Name string
	Drop func(*app.App)
}

// RefusesIncomplete checks that build refuses a copy of whole with each of
// drops left out, with app.ErrIncomplete naming the service, and builds on
// whole itself.
func RefusesIncomplete[T comparable](t *testing.T, whole *app.App, build func(*app.App) (T, error), drops ...Drop) {
	t.Helper()
	var none T
	for _, d := range drops {
		partial := *whole
		d.Drop(&partial)
		got, err := build(&partial)
		if got != none || !errors.Is(err, app.ErrIncomplete) || !strings.Contains(err.Error(), d.Name) {
			t.Errorf("without %s: %v, %v; want an error naming it", d.Name, got, err)
		}
	}
	if got, err := build(whole); got == none || err != nil {
		t.Errorf("on the whole App: %v, %v", got, err)
	}
}
