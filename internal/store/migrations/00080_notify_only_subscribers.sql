-- +goose Up
-- Queue a notifier update only when the notice's org has a webhook endpoint:
-- a job per event for orgs that never subscribed halved intake throughput.
-- if sqlite
DROP TRIGGER events_notify;
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER events_notify AFTER INSERT ON events
WHEN NEW.notice_id IS NOT NULL AND NEW.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
    'notice.appeal', 'notice.actioned', 'notice.deadline_breached')
    AND EXISTS (SELECT 1 FROM notices n JOIN webhook_endpoints w ON w.org_id = n.org_id WHERE n.id = NEW.notice_id)
-- if postgres
CREATE OR REPLACE FUNCTION sigap_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
-- section notify_body
BEGIN
-- if sqlite
    INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
    VALUES ('job_ev' || NEW.seq, 'notify.event', 'notify.event:' || NEW.seq, '{"seq":' || NEW.seq || '}', 'available', NEW.at, NEW.at)
    ON CONFLICT DO NOTHING;
END;
-- if postgres
    IF EXISTS (SELECT 1 FROM notices n JOIN webhook_endpoints w ON w.org_id = n.org_id WHERE n.id = NEW.notice_id) THEN
        INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
        VALUES ('job_ev' || NEW.seq, 'notify.event', 'notify.event:' || NEW.seq, '{"seq":' || NEW.seq || '}', 'available', NEW.at, NEW.at)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- end
-- end section
-- +goose StatementEnd

-- +goose Down
-- if sqlite
DROP TRIGGER events_notify;
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER events_notify AFTER INSERT ON events
WHEN NEW.notice_id IS NOT NULL AND NEW.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
    'notice.appeal', 'notice.actioned', 'notice.deadline_breached')
-- if postgres
CREATE OR REPLACE FUNCTION sigap_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
-- include 00050_enforcement.sql events_notify_body
-- +goose StatementEnd
