package apptest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sigap/sigap/internal/app"
)

// RefusesIncomplete checks that build refuses a copy of whole with each of
// services (App's fields, by name) left out, with app.ErrIncomplete naming
// it, and builds on whole itself.
func RefusesIncomplete[T comparable](t *testing.T, whole *app.App, build func(*app.App) (T, error), services ...string) {
	t.Helper()
	var none T
	for _, name := range services {
		partial := *whole
		f := reflect.ValueOf(&partial).Elem().FieldByName(name)
		if !f.IsValid() || !f.CanSet() {
			t.Fatalf("app.App has no service %s", name)
		}
		f.SetZero()
		got, err := build(&partial)
		if got != none || !errors.Is(err, app.ErrIncomplete) || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: %v, %v; want an error naming it", name, got, err)
		}
	}
	if got, err := build(whole); got == none || err != nil {
		t.Errorf("on the whole App: %v, %v", got, err)
	}
}
