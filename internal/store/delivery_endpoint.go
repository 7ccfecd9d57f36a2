package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// DeliveryWithEndpoint reads an outbox message and its org's endpoint in one
// query, what each delivery attempt needs; the endpoint is nil (with no
// error) when the org has none. A missing message is ErrNotFound.
func (db *DB) DeliveryWithEndpoint(ctx context.Context, id string) (*Delivery, *WebhookEndpoint, error) {
	var d Delivery
	var c int64
	var la, da, ec, eu sql.NullInt64
	var eOrg, eURL, eSecret sql.NullString
	err := db.queryRow(ctx, `SELECT d.id, d.org_id, d.type, d.body, d.state, d.attempts, d.created_at, d.last_attempt_at, d.last_status,
		d.last_error, d.delivered_at, d.ref, e.org_id, e.url, e.secret, e.created_at, e.updated_at
		FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.org_id = d.org_id WHERE d.id = ?`, id).
		Scan(&d.ID, &d.OrgID, &d.Type, &d.Body, &d.State, &d.Attempts, &c, &la, &d.LastStatus, &d.LastError, &da, &d.Ref,
			&eOrg, &eURL, &eSecret, &ec, &eu)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fmt.Errorf("store: delivery %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: delivery %s: %w", id, err)
	}
	d.CreatedAt, d.LastAttemptAt, d.DeliveredAt = fromMS(c), timePtr(la), timePtr(da)
	if !eOrg.Valid {
		return &d, nil, nil
	}
	return &d, &WebhookEndpoint{OrgID: eOrg.String, URL: eURL.String, Secret: eSecret.String,
		CreatedAt: fromMS(ec.Int64), UpdatedAt: fromMS(eu.Int64)}, nil
}
