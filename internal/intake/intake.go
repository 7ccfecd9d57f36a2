package intake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/sigap/sigap/internal/clock"
	"github.com/sigap/sigap/internal/document"
	"github.com/sigap/sigap/internal/escalate"
	"github.com/sigap/sigap/internal/httpsig"
	"github.com/sigap/sigap/internal/id"
	"github.com/sigap/sigap/internal/notice"
	"github.com/sigap/sigap/internal/org"
	"github.com/sigap/sigap/internal/policy"
	"github.com/sigap/sigap/internal/receipt"
	"github.com/sigap/sigap/internal/store"
)

// ErrIdempotencyMismatch means an Idempotency-Key was reused with a different body.
var ErrIdempotencyMismatch = errors.New("intake: idempotency key reused with a different request body")

// Service receives notices.
type Service struct {
	DB     *store.DB
	Policy *policy.Policy
	Signer *receipt.Signer
	Clock  clock.Clock
	// OnReceived, when set, is told of each stored notice (metrics); it must not block.
	OnReceived func(n *notice.Notice)
	// Gate, when set, may refuse a notice or change its lane inside the
	// storing transaction (the trusted flagger programme: status, scope, quota).
	Gate func(ctx context.Context, tx *store.Tx, caller org.Caller, n *notice.Notice) error
	// Escalation gives each new notice its first escalation timers, filed in
	// the transaction that stores it; the zero Rule is the default policy.
	Escalation escalate.Rule
	// Page, when set, pages the on-call contact about a notice of a kind
	// that pages at once (an emergency), inside the storing transaction.
	Page func(ctx context.Context, tx *store.Tx, n *notice.Notice) error
}

// Result is a stored notice and whether this call stored it (false for an idempotent replay).
type Result struct {
	Notice *notice.Notice
	Stored bool
}

// Payload is what a receipt signs. Its field names are part of the contract.
type Payload struct {
	NoticeID   string    `json:"notice_id"`
	OrgID      string    `json:"org_id"`
	Kind       string    `json:"kind"`
	Reference  string    `json:"reference"`
	Regime     string    `json:"regime"`
	Category   string    `json:"category"`
	Class      string    `json:"class"`
	ReceivedAt time.Time `json:"received_at"`
	DueAt      time.Time `json:"due_at"`
	BodySHA256 string    `json:"body_sha256"`
	Subjects   []string  `json:"subjects"`
	Issuer     string    `json:"issuer"`
	// RequestSignature is the authority's verified RFC 9421 signature of
	// the request that filed the notice, with what checking it again
	// offline needs; absent for an unsigned request.
	RequestSignature *httpsig.Result `json:"request_signature,omitempty"`
	// Documents names each attached file by its SHA-256 (absent when none).
	Documents []document.Upload `json:"documents,omitempty"`
}

// Submission is one notice to file: the JSON body from caller, and what
// came with it outside the body.
type Submission struct {
	Caller         org.Caller
	DefaultRegime  string
	Body           []byte
	IdempotencyKey string
	// Signature is the request's RFC 9421 signature the caller verified (nil: unsigned).
	Signature *httpsig.Result
	// Documents are files attached outside the JSON body (a multipart
	// part, an e-mail attachment), each already passed by document.Check;
	// they follow the body's own documents and are stored in the same
	// transaction as the notice.
	Documents []document.Upload
}

// Submit validates body as a notice from caller, stores it and signs its receipt.
//
// A reused Idempotency-Key is settled before the body is validated, as the
// contract fixes it: the same body answers the first answer again, and any
// other body, valid or not, is ErrIdempotencyMismatch (409), storing nothing.
func (s *Service) Submit(ctx context.Context, caller org.Caller, defaultRegime string, body []byte, idempotencyKey string) (Result, error) {
	return s.SubmitSigned(ctx, caller, defaultRegime, body, idempotencyKey, nil)
}

// SubmitSigned is Submit for a request whose signature the caller verified
// (nil: unsigned): the receipt payload records sig, so the platform's receipt
// signature, and the log entry that commits to the receipt, cover it too. A
// replay answers the first notice as it was filed, signed or not.
func (s *Service) SubmitSigned(ctx context.Context, caller org.Caller, defaultRegime string, body []byte, idempotencyKey string, sig *httpsig.Result) (Result, error) {
	return s.File(ctx, Submission{Caller: caller, DefaultRegime: defaultRegime, Body: body, IdempotencyKey: idempotencyKey, Signature: sig})
}

// File validates, stores and signs one submission, as SubmitSigned does; a
// replay of its Idempotency-Key must carry the same body and the same
// documents outside it.
func (s *Service) File(ctx context.Context, sub Submission) (Result, error) {
	caller, body, idempotencyKey, sig := sub.Caller, sub.Body, sub.IdempotencyKey, sub.Signature
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	if idempotencyKey != "" {
		prev, err := s.DB.NoticeByIdempotencyKey(ctx, caller.OrgID, idempotencyKey)
		switch {
		case err == nil:
			if err := sameRequest(ctx, s.DB, prev, bodyHash, sub.Documents); err != nil {
				return Result{}, err
			}
			return Result{Notice: prev}, nil
		case !errors.Is(err, store.ErrNotFound):
			return Result{}, fmt.Errorf("intake: %w", err)
		}
	}
	req, err := notice.Parse(body, caller, sub.DefaultRegime, s.Policy)
	if err != nil {
		return Result{}, err
	}
	docs := append(req.Documents, sub.Documents...)
	if err := notice.DocumentsError("documents", document.CheckSet(docs)); err != nil {
		return Result{}, err
	}
	now := clock.NowMilli(s.Clock)
	n := &notice.Notice{
		ID: id.New("ntc", now), OrgID: caller.OrgID, Kind: req.Kind, Regime: req.SLA.Regime, Category: req.Category,
		Class: req.SLA.Class, Within: req.SLA.Within, Explanation: req.Explanation, LegalBasis: req.LegalBasis,
		Reference: req.Reference, Urgent: req.Urgent, RequestedAction: req.RequestedAction,
		TerritorialScope: req.TerritorialScope, Language: req.Language, Evidence: req.Evidence, Contact: req.Contact,
		GoodFaith: req.GoodFaith, Status: notice.StatusReceived, ReceivedAt: now, DueAt: now.Add(req.SLA.Within),
		BodySHA256: bodyHash, IdempotencyKey: idempotencyKey, Subjects: req.Subjects, SubjectCount: len(req.Subjects),
		InformUploaderAfter: req.InformUploaderAfter, Documents: docs, PreserveDays: req.PreserveDays, TCO: req.TCO,
	}
	subjects := make([]string, len(n.Subjects))
	for i, sub := range n.Subjects {
		subjects[i] = sub.Canonical
	}
	payload := Payload{NoticeID: n.ID, OrgID: n.OrgID, Kind: n.Kind, Reference: n.Reference,
		Regime: n.Regime, Category: n.Category, Class: n.Class, ReceivedAt: n.ReceivedAt, DueAt: n.DueAt,
		BodySHA256: bodyHash, Subjects: subjects, Issuer: "sigap", RequestSignature: sig, Documents: docs}
	n.Receipt = s.Signer.SignCanonical(payload.canonical())
	var replay *notice.Notice
	err = s.DB.Write(ctx, func(tx *store.Tx) error {
		// Checked again here: a request with the same key may have been
		// stored since the look-up above.
		if idempotencyKey != "" {
			prev, err := tx.NoticeByIdempotencyKey(ctx, caller.OrgID, idempotencyKey)
			switch {
			case err == nil:
				if err := sameRequest(ctx, tx, prev, bodyHash, sub.Documents); err != nil {
					return err
				}
				replay = prev
				return nil
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
		}
		if s.Gate != nil {
			if err := s.Gate(ctx, tx, caller, n); err != nil {
				return err
			}
		}
		if err := tx.InsertNotice(ctx, n); err != nil {
			return err
		}
		if err := storeDocuments(ctx, tx, n); err != nil {
			return err
		}
		if err := s.storeRequest(ctx, tx, n); err != nil {
			return err
		}
		return tx.InsertTimers(ctx, s.Escalation.Start(n))
	})
	if err != nil {
		return Result{}, err
	}
	if replay != nil {
		full, err := s.DB.Notice(ctx, replay.ID, caller.OrgID)
		if err != nil {
			return Result{}, err
		}
		return Result{Notice: full}, nil
	}
	if s.OnReceived != nil {
		s.OnReceived(n)
	}
	return Result{Notice: n, Stored: true}, nil
}
