package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// MailSender is an address that may send notices by e-mail for an
// organisation, with the DKIM key its mail must be signed with.
type MailSender struct {
	ID           string
	OrgID        string
	Address      string // lower case
	DKIMDomain   string // lower case
	DKIMSelector string
	// DKIMPublicKey is base64 of the DER public key, as the contract takes it.
	DKIMPublicKey string
	CreatedAt     time.Time
	RemovedAt     *time.Time
}

// ErrMailSenderTaken is returned when the address already sends for an
// organisation: mail from it must name one sender without doubt.
var ErrMailSenderTaken = fmt.Errorf("%w: the address is already a registered mail sender", ErrConflict)

const mailSenderCols = `id, org_id, address, dkim_domain, dkim_selector, dkim_public_key, created_at, removed_at`

func scanMailSender(row rowScanner) (MailSender, error) {
	var s MailSender
	var created int64
	var removed sql.NullInt64
	err := row.Scan(&s.ID, &s.OrgID, &s.Address, &s.DKIMDomain, &s.DKIMSelector, &s.DKIMPublicKey, &created, &removed)
	s.CreatedAt, s.RemovedAt = fromMS(created), timePtr(removed)
	return s, err
}

// AddMailSender stores a new mail sender.
func (t *Tx) AddMailSender(ctx context.Context, s MailSender) error {
	return t.insertUnique(ctx, "add mail sender", fmt.Errorf("store: mail sender %s: %w", s.Address, ErrMailSenderTaken),
		`INSERT INTO mail_senders (`+mailSenderCols+`) VALUES (`+placeholders(8)+`)`,
		s.ID, s.OrgID, s.Address, s.DKIMDomain, s.DKIMSelector, s.DKIMPublicKey, ms(s.CreatedAt), msPtr(s.RemovedAt))
}

// MailSenders lists an organisation's live mail senders, oldest first.
func (db *DB) MailSenders(ctx context.Context, orgID string) ([]MailSender, error) {
	return queryAll(ctx, db, "mail senders of "+orgID, scanMailSender,
		`SELECT `+mailSenderCols+` FROM mail_senders WHERE org_id = ? AND removed_at IS NULL ORDER BY created_at, id`, orgID)
}

// MailSenderByAddress returns the live sender of an address (lower case), or ErrNotFound.
func (db *DB) MailSenderByAddress(ctx context.Context, address string) (MailSender, error) {
	return queryOne(ctx, db, "mail sender "+address, scanMailSender,
		`SELECT `+mailSenderCols+` FROM mail_senders WHERE address = ? AND removed_at IS NULL`, address)
}

// MailSender returns an organisation's sender by its ID, a removed one too, or ErrNotFound.
func (db *DB) MailSender(ctx context.Context, orgID, id string) (MailSender, error) {
	return queryOne(ctx, db, fmt.Sprintf("mail sender %s of %s", id, orgID), scanMailSender,
		`SELECT `+mailSenderCols+` FROM mail_senders WHERE org_id = ? AND id = ?`, orgID, id)
}

// RemoveMailSender stops an organisation's live sender from being taken from
// at on; ErrNotFound if it has no such live sender.
func (t *Tx) RemoveMailSender(ctx context.Context, orgID, id string, at time.Time) error {
	return t.execOne(ctx, fmt.Sprintf("remove mail sender %s of %s", id, orgID),
		`UPDATE mail_senders SET removed_at = ? WHERE org_id = ? AND id = ? AND removed_at IS NULL`, ms(at), orgID, id)
}
