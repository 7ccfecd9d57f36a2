-- +goose Up
-- A notice's documents follow the evidence rules (internal/enforce): kept
-- until keep_until (six months after the notice was received), longer under a
-- legal hold, then their bytes are purged while the name, type, size and
-- SHA-256 stay in the record (and in the receipt and the log for good).
ALTER TABLE notice_documents ADD COLUMN keep_until {{bigint}} NOT NULL DEFAULT 0;
ALTER TABLE notice_documents ADD COLUMN hold_until {{bigint}};
ALTER TABLE notice_documents ADD COLUMN hold_by TEXT NOT NULL DEFAULT '';
ALTER TABLE notice_documents ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE notice_documents ADD COLUMN purged_at {{bigint}};
-- Documents stored before this migration: six months (182.625 days) from
-- their notice's receipt, and the purge job the intake enqueues for new ones.
UPDATE notice_documents SET keep_until = (SELECT received_at + 15778800000 FROM notices WHERE notices.id = notice_documents.notice_id);
INSERT INTO jobs (id, kind, key, payload, state, attempts, run_at, created_at)
SELECT 'job_docpurge_' || notice_id, 'document.purge', 'document.purge:' || notice_id || ':' || MAX(keep_until), '{}', 'available', 0, MAX(keep_until), MAX(keep_until)
FROM notice_documents GROUP BY notice_id
ON CONFLICT DO NOTHING;

-- +goose Down
ALTER TABLE notice_documents DROP COLUMN purged_at;
ALTER TABLE notice_documents DROP COLUMN hold_reason;
ALTER TABLE notice_documents DROP COLUMN hold_by;
ALTER TABLE notice_documents DROP COLUMN hold_until;
ALTER TABLE notice_documents DROP COLUMN keep_until;
