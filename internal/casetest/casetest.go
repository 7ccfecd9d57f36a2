package casetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/store"
	"github.com/sigap/sigap/internal/store/storetest"
)

// Org stores an organisation of kind, called name and created at at, and returns it.
func Org(t testing.TB, db *store.DB, kind org.Kind, name string, at time.Time) org.Org {
	t.Helper()
	ctx := context.Background()
	o := org.Org{ID: id.New("org", at), Name: name, Kind: kind, CreatedAt: at}
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.CreateOrg(ctx, o) }); err != nil {
		t.Fatalf("create org %s: %v", name, err)
	}
	return o
}

// File stores n as intake would, opening or joining a case for each subject.
func File(t testing.TB, db *store.DB, n *notice.Notice) {
	t.Helper()
	ctx := context.Background()
	if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertNotice(ctx, n) }); err != nil {
		t.Fatalf("insert notice: %v", err)
	}
}

// ChannelSubject is the Telegram channel name as a notice's subject.
func ChannelSubject(name string) notice.Subject {
	return notice.Subject{URL: "https://t.me/" + name, Canonical: "telegram:channel/" + name, Kind: "telegram_channel"}
}

// FieldErr returns the field:code pairs of a validation error, comma-separated
// in the error's order, or "" for another error or none.
func FieldErr(err error) string {
	var ve *notice.ValidationError
	if !errors.As(err, &ve) {
		return ""
	}
	parts := make([]string, 0, len(ve.Fields))
	for _, f := range ve.Fields {
		parts = append(parts, f.Field+":"+f.Code)
	}
	return strings.Join(parts, ",")
}

// Each runs fn once per database engine, each time on a fresh world that
// newWorld builds on that engine's empty database.
func Each[W any](t *testing.T, newWorld func(*testing.T, storetest.Engine) W, fn func(ctx context.Context, t *testing.T, w W)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, e storetest.Engine) { fn(context.Background(), t, newWorld(t, e)) })
}
