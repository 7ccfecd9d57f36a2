package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/org"
)

const contactCols = `id, jurisdiction, role, name, email, phone, webhook, languages, time_zone, position, days, shift_start, shift_end, created_at`

func scanContact(s rowScanner) (*org.Contact, error) {
	var c org.Contact
	var langs, days string
	var created int64
	if err := s.Scan(&c.ID, &c.Jurisdiction, &c.Role, &c.Name, &c.Email, &c.Phone, &c.Webhook, &langs, &c.TimeZone, &c.Position,
		&days, &c.ShiftStart, &c.ShiftEnd, &created); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(langs), &c.Languages)
	_ = json.Unmarshal([]byte(days), &c.Days)
	if c.Languages == nil {
		c.Languages = []string{}
	}
	if c.Days == nil {
		c.Days = []int{}
	}
	c.CreatedAt = fromMS(created)
	return &c, nil
}

// InsertContact adds a contact.
func (t *Tx) InsertContact(ctx context.Context, c *org.Contact) error {
	langs, _ := json.Marshal(c.Languages)
	days, _ := json.Marshal(c.Days)
	return t.run(ctx, "contact", `INSERT INTO contacts (`+contactCols+`) VALUES (`+placeholders(14)+`)`,
		c.ID, c.Jurisdiction, c.Role, c.Name, c.Email, c.Phone, c.Webhook, string(langs), c.TimeZone, c.Position, string(days),
		c.ShiftStart, c.ShiftEnd, ms(c.CreatedAt))
}

// RemoveContact retires a contact (kept for the record of past alerts).
func (t *Tx) RemoveContact(ctx context.Context, id string, now time.Time) error {
	n, err := t.changed(ctx, "remove contact "+id, `UPDATE contacts SET removed_at = ? WHERE id = ? AND removed_at IS NULL`, ms(now), id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("store: contact %s: %w", id, ErrNotFound)
	}
	return nil
}

// Contacts lists the current contacts of a jurisdiction ("" for all), by role and position.
func (db *DB) Contacts(ctx context.Context, jurisdiction string) ([]*org.Contact, error) {
	return contacts(ctx, db, jurisdiction)
}

// Contacts lists the current contacts of a jurisdiction inside the transaction.
func (t *Tx) Contacts(ctx context.Context, jurisdiction string) ([]*org.Contact, error) {
	return contacts(ctx, t, jurisdiction)
}

func contacts(ctx context.Context, qr querier, jurisdiction string) ([]*org.Contact, error) {
	return queryAll(ctx, qr, "contacts", scanContact, `SELECT `+contactCols+` FROM contacts WHERE removed_at IS NULL AND (? = '' OR jurisdiction = ?)
		ORDER BY jurisdiction, role, position, id`, jurisdiction, jurisdiction)
}

// Contact reads one contact (also a removed one, for past alerts).
func (db *DB) Contact(ctx context.Context, id string) (*org.Contact, error) {
	return queryOne(ctx, db, "contact "+id, scanContact, `SELECT `+contactCols+` FROM contacts WHERE id = ?`, id)
}
