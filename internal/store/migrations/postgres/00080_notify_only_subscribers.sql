-- +goose Up
-- Queue a notifier update only when the notice's org has a webhook endpoint:
-- a job per event for orgs that never subscribed halved intake throughput.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION sigap_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM notices n JOIN webhook_endpoints w ON w.org_id = n.org_id WHERE n.id = NEW.notice_id) THEN
        INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
        VALUES ('job_ev' || NEW.seq, 'notify.event', 'notify.event:' || NEW.seq, '{"seq":' || NEW.seq || '}', 'available', NEW.at, NEW.at)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION sigap_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
    VALUES ('job_ev' || NEW.seq, 'notify.event', 'notify.event:' || NEW.seq, '{"seq":' || NEW.seq || '}', 'available', NEW.at, NEW.at)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
-- +goose StatementEnd
