package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/store"
)

// Names of the leases a sigap service holds.
const (
	// TransLog is held by the process that hashes the log and signs its checkpoints.
	TransLog = "translog"
	// Escalate is held by the process that fires escalation timers.
	Escalate = "escalate"
)

// DefaultTTL is how long a lease lasts unrenewed: how long the work waits
// after its holder dies before another replica takes it.
const DefaultTTL = 5 * time.Second

// Holder returns a name for this process that no other process shares
// (host, pid and a random part, since a pid is reused after a restart).
func Holder() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Keeper holds one named lease for one process: Run takes it when it is free
// and renews it while held; writes of the work it guards call Check in their
// own transaction.
type Keeper struct {
	db     *store.DB
	clock  clock.Clock
	log    *slog.Logger
	name   string
	holder string
	ttl    time.Duration

	// OnAcquire, when set, is called after the lease is taken (not renewed),
	// so the guarded work can start at once rather than at its next poll.
	OnAcquire func()

	mu    sync.Mutex
	epoch int64     // the epoch held; 0: not held
	until time.Time // local deadline: held no longer than this without a renewal
	done  bool      // released for good: Tick takes it no more
}

// New returns a Keeper of the named lease for holder (see Holder); ttl 0 is DefaultTTL.
func New(db *store.DB, clk clock.Clock, log *slog.Logger, name, holder string, ttl time.Duration) *Keeper {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if clk == nil {
		clk = clock.System{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Keeper{db: db, clock: clk, log: log, name: name, holder: holder, ttl: ttl}
}

// Name is the lease's name.
func (k *Keeper) Name() string { return k.name }

// Held tells whether this process holds the lease now, by its own clock: a
// holder that could not renew in time stops before its lease can lapse.
func (k *Keeper) Held() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.epoch != 0 && k.clock.Now().Before(k.until)
}

// Epoch is the epoch held, 0 when the lease is not held.
func (k *Keeper) Epoch() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.epoch != 0 && k.clock.Now().Before(k.until) {
		return k.epoch
	}
	return 0
}

// Check fences a write of the guarded work inside tx: store.ErrNotLeader
// unless this process holds the lease, by its clock and by the database, at
// the epoch it took. A holder paused past its lease (SIGSTOP, a long GC, a
// partition) and woken after another took over thus writes nothing.
func (k *Keeper) Check(ctx context.Context, tx *store.Tx) error {
	epoch := k.Epoch()
	if epoch == 0 {
		return fmt.Errorf("lease %s: %w", k.name, store.ErrNotLeader)
	}
	return tx.CheckLease(ctx, k.name, k.holder, epoch)
}

// Tick takes or renews the lease once and reports whether it is held.
func (k *Keeper) Tick(ctx context.Context) (bool, error) {
	k.mu.Lock()
	done := k.done
	k.mu.Unlock()
	if done {
		return false, nil
	}
	start := k.clock.Now()
	var l store.Lease
	err := k.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		l, err = tx.AcquireLease(ctx, k.name, k.holder, start, k.ttl)
		return err
	})
	k.mu.Lock()
	if err != nil {
		k.mu.Unlock()
		return false, fmt.Errorf("lease %s: %w", k.name, err)
	}
	was := k.epoch
	if k.done {
		// Released while this renewal was in flight: give it back below.
		k.mu.Unlock()
		if l.Holder == k.holder {
			return false, k.db.Write(ctx, func(tx *store.Tx) error { return tx.ReleaseLease(ctx, k.name, k.holder, l.Epoch) })
		}
		return false, nil
	}
	if l.Holder == k.holder {
		// The deadline counts from before the write, so it never outlasts the row's.
		k.epoch, k.until = l.Epoch, start.Add(k.ttl)
	} else {
		k.epoch = 0
	}
	now := k.epoch
	k.mu.Unlock()
	switch {
	case now != 0 && was != now:
		k.log.Info("lease taken", "lease", k.name, "epoch", now)
		if k.OnAcquire != nil {
			k.OnAcquire()
		}
	case now == 0 && was != 0:
		k.log.Warn("lease lost to another process", "lease", k.name, "holder", l.Holder, "epoch", l.Epoch)
	}
	return now != 0, nil
}

// Run takes and renews the lease every third of its ttl until ctx ends, then
// releases it so another replica takes over at once.
func (k *Keeper) Run(ctx context.Context) {
	t := time.NewTicker(k.ttl / 3)
	defer t.Stop()
	for {
		if _, err := k.Tick(ctx); err != nil && ctx.Err() == nil {
			k.log.Warn("lease: renewal failed; retrying", "lease", k.name, "err", err)
		}
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := k.Release(rctx); err != nil {
				k.log.Warn("lease: release failed; it lapses by itself", "lease", k.name, "err", err)
			}
			return
		case <-t.C:
		}
	}
}

// Release gives the lease up for good, if held, so another replica may take
// it at once; this Keeper takes it no more (a process that stops).
func (k *Keeper) Release(ctx context.Context) error {
	k.mu.Lock()
	epoch := k.epoch
	k.epoch, k.done = 0, true
	k.mu.Unlock()
	if epoch == 0 {
		return nil
	}
	err := k.db.Write(ctx, func(tx *store.Tx) error { return tx.ReleaseLease(ctx, k.name, k.holder, epoch) })
	if err != nil && !errors.Is(err, store.ErrClosed) {
		return fmt.Errorf("lease %s: %w", k.name, err)
	}
	k.log.Info("lease released", "lease", k.name, "epoch", epoch)
	return nil
}
