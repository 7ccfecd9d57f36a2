package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WebhookEndpoint is where an org receives its webhooks.
type WebhookEndpoint struct {
	OrgID     string
	URL       string
	Secret    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PutWebhookEndpoint sets (or replaces) an org's endpoint.
func (t *Tx) PutWebhookEndpoint(ctx context.Context, e WebhookEndpoint) error {
	if _, err := t.exec(ctx, `INSERT INTO webhook_endpoints (org_id, url, secret, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at`,
		e.OrgID, e.URL, e.Secret, ms(e.CreatedAt), ms(e.UpdatedAt)); err != nil {
		return fmt.Errorf("store: webhook endpoint: %w", err)
	}
	return nil
}

const endpointCols = `org_id, url, secret, created_at, updated_at`

func scanEndpoint(r *sql.Row, orgID string) (*WebhookEndpoint, error) {
	var e WebhookEndpoint
	var c, u int64
	err := r.Scan(&e.OrgID, &e.URL, &e.Secret, &c, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: webhook endpoint of %s: %w", orgID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: webhook endpoint of %s: %w", orgID, err)
	}
	e.CreatedAt, e.UpdatedAt = fromMS(c), fromMS(u)
	return &e, nil
}

// WebhookEndpoint reads an org's endpoint.
func (db *DB) WebhookEndpoint(ctx context.Context, orgID string) (*WebhookEndpoint, error) {
	return scanEndpoint(db.queryRow(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE org_id = ?`, orgID), orgID)
}

// WebhookEndpoint reads an org's endpoint inside the transaction.
func (t *Tx) WebhookEndpoint(ctx context.Context, orgID string) (*WebhookEndpoint, error) {
	return scanEndpoint(t.queryRow(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE org_id = ?`, orgID), orgID)
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryFailing   = "failing"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"
)

// Delivery is one webhook message in the outbox; ID is its webhook-id.
type Delivery struct {
	ID            string     `json:"id"`
	OrgID         string     `json:"org_id"`
	Type          string     `json:"type"`
	Body          string     `json:"-"`
	State         string     `json:"state"`
	Attempts      int        `json:"attempts"`
	CreatedAt     time.Time  `json:"created_at"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastStatus    int        `json:"last_status,omitempty"`
	LastError     string     `json:"last_error,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at,omitempty"`
	// Ref is what the message is about (an action ID, a notice ID).
	Ref string `json:"ref,omitempty"`
}

const deliveryCols = `id, org_id, type, body, state, attempts, created_at, last_attempt_at, last_status, last_error, delivered_at, ref`

func scanDelivery(s rowScanner) (*Delivery, error) {
	var d Delivery
	var c int64
	var la, da sql.NullInt64
	if err := s.Scan(&d.ID, &d.OrgID, &d.Type, &d.Body, &d.State, &d.Attempts, &c, &la, &d.LastStatus, &d.LastError, &da, &d.Ref); err != nil {
		return nil, err
	}
	d.CreatedAt, d.LastAttemptAt, d.DeliveredAt = fromMS(c), timePtr(la), timePtr(da)
	return &d, nil
}

// InsertDelivery adds a message to the outbox; a second insert of the same ID
// does nothing and reports false.
func (t *Tx) InsertDelivery(ctx context.Context, d *Delivery) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO webhook_deliveries (id, org_id, type, body, state, attempts, created_at, ref)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING`, d.ID, d.OrgID, d.Type, d.Body, DeliveryPending, ms(d.CreatedAt), d.Ref)
	if err != nil {
		return false, fmt.Errorf("store: insert delivery: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecordAttempt notes one delivery attempt's outcome.
func (t *Tx) RecordAttempt(ctx context.Context, id, state string, at time.Time, status int, errText string) error {
	var delivered any
	if state == DeliveryDelivered {
		delivered = ms(at)
	}
	if _, err := t.exec(ctx, `UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_attempt_at = ?, last_status = ?,
		last_error = ?, delivered_at = COALESCE(delivered_at, ?) WHERE id = ?`, state, ms(at), status, errText, delivered, id); err != nil {
		return fmt.Errorf("store: record attempt %s: %w", id, err)
	}
	return nil
}

// SetDeliveryState moves a delivery to state (dead-lettering, an operator's retry).
func (t *Tx) SetDeliveryState(ctx context.Context, id, state string) error {
	return t.execOne(ctx, "delivery "+id, `UPDATE webhook_deliveries SET state = ? WHERE id = ?`, state, id)
}

// Delivery reads one outbox message.
func (db *DB) Delivery(ctx context.Context, id string) (*Delivery, error) {
	return queryOne(ctx, db, "delivery "+id, scanDelivery, `SELECT `+deliveryCols+` FROM webhook_deliveries WHERE id = ?`, id)
}

// DeliveryFilter narrows the outbox listing; empty fields match everything.
type DeliveryFilter struct {
	OrgID  string
	State  string
	Before string // a delivery ID: list older ones (paging)
	Limit  int
}

// Deliveries lists outbox messages, newest first.
func (db *DB) Deliveries(ctx context.Context, f DeliveryFilter) ([]*Delivery, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	return queryAll(ctx, db, "deliveries", scanDelivery, `SELECT `+deliveryCols+` FROM webhook_deliveries
		WHERE (? = '' OR org_id = ?) AND (? = '' OR state = ?) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT `+fmt.Sprint(f.Limit),
		f.OrgID, f.OrgID, f.State, f.State, f.Before, f.Before)
}

// Delivery reads one outbox message inside the transaction.
func (t *Tx) Delivery(ctx context.Context, id string) (*Delivery, error) {
	return queryOne(ctx, t, "delivery "+id, scanDelivery, `SELECT `+deliveryCols+` FROM webhook_deliveries WHERE id = ?`, id)
}
