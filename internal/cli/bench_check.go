package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/sigap/sigap/internal/receipt"
)

// acknowledged keeps the notice ID and receipt of every 201 of a run.
type acknowledged struct {
	mu   sync.Mutex
	acks []benchAck
}

type benchAck struct {
	ID      string          `json:"id"`
	Receipt receipt.Receipt `json:"receipt"`
}

func (a *acknowledged) keep(body []byte) {
	var n benchAck
	if json.Unmarshal(body, &n) != nil || n.ID == "" {
		return
	}
	a.mu.Lock()
	a.acks = append(a.acks, n)
	a.mu.Unlock()
}

// check asks the servers in turn (a dead one is skipped) for every notice
// acknowledged in the run and verifies its receipt against the service's
// published keys; it fails when one is missing or its receipt does not verify.
func (a *acknowledged) check(ctx context.Context, env *Env, bases []string, key string) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	get := func(path string, auth bool, out any) (int, error) {
		var last error
		for _, base := range bases {
			req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
			if auth {
				req.Header.Set("Authorization", "Bearer "+key)
			}
			resp, err := hc.Do(req)
			if err != nil {
				last = err
				continue // that replica is down: ask the next
			}
			defer resp.Body.Close()
			if resp.StatusCode == http.StatusOK && out != nil {
				return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
			}
			return resp.StatusCode, nil
		}
		return 0, fmt.Errorf("no server answered: %w", last)
	}
	var keys struct {
		Keys []receipt.PublicKey `json:"keys"`
	}
	if _, err := get("/v1/keys", false, &keys); err != nil {
		return fmt.Errorf("bench --check: the service's keys: %w", err)
	}
	missing, bad := 0, 0
	bar := newProgress(env.Stderr, "notices", len(a.acks), true)
	for _, n := range a.acks {
		if st, err := get("/v1/notices/"+n.ID, true, nil); err != nil || st != http.StatusOK {
			missing++
			fmt.Fprintf(env.Stderr, "missing: %s (%d %v)\n", n.ID, st, err)
		}
		if _, err := receipt.Verify(n.Receipt, keys.Keys); err != nil {
			bad++
			fmt.Fprintf(env.Stderr, "receipt of %s does not verify: %v\n", n.ID, err)
		}
		bar.add(1)
	}
	bar.done()
	fmt.Fprintf(env.Stdout, "check: %d notices acknowledged; %d missing, %d receipts that do not verify\n", len(a.acks), missing, bad)
	if missing+bad > 0 {
		return fmt.Errorf("bench --check: %d acknowledged notices missing, %d receipts that do not verify", missing, bad)
	}
	return nil
}
