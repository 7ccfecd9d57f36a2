package store

import (
	"context"
	"fmt"
	"time"
)

// ServiceKey is one of the service's own secret keys as the database keeps it
// for every replica: Value is sealed (AES-GCM under the operator's wrap key)
// when Sealed, else the key file's bytes.
type ServiceKey struct {
	Name      string
	Sealed    bool
	Value     []byte
	CreatedAt time.Time
}

// AddServiceKey stores k unless a key of its name is already stored: the
// first replica to create the database wins, and every one reads back the
// winner with ServiceKey.
func (t *Tx) AddServiceKey(ctx context.Context, k ServiceKey) error {
	return t.run(ctx, fmt.Sprintf("add service key %s", k.Name), `INSERT INTO service_keys (name, sealed, value, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
		k.Name, k.Sealed, k.Value, ms(k.CreatedAt))
}

// SealServiceKey replaces a plain stored key with its sealed form, once an
// operator supplies a wrap key.
func (t *Tx) SealServiceKey(ctx context.Context, name string, sealed []byte) error {
	return t.run(ctx, fmt.Sprintf("seal service key %s", name), `UPDATE service_keys SET sealed = ?, value = ? WHERE name = ? AND sealed = ?`, true, sealed, name, false)
}

// ServiceKey reads the named key, or ErrNotFound.
func (db *DB) ServiceKey(ctx context.Context, name string) (ServiceKey, error) {
	return queryOne(ctx, db, "service key "+name, func(r rowScanner) (ServiceKey, error) {
		k := ServiceKey{Name: name}
		var created int64
		err := r.Scan(&k.Sealed, &k.Value, &created)
		k.CreatedAt = fromMS(created)
		return k, err
	}, `SELECT sealed, value, created_at FROM service_keys WHERE name = ?`, name)
}

// PutServiceKey stores k, replacing a stored key of its name: a rotated key
// ring replaces the ring before it for every replica.
func (t *Tx) PutServiceKey(ctx context.Context, k ServiceKey) error {
	return t.run(ctx, fmt.Sprintf("put service key %s", k.Name), `INSERT INTO service_keys (name, sealed, value, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, value = excluded.value, created_at = excluded.created_at`,
		k.Name, k.Sealed, k.Value, ms(k.CreatedAt))
}
