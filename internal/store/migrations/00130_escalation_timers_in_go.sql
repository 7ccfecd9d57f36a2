-- +goose Up
-- What the triggers did is done in Go, in the same transaction as the change
-- (internal/store/escalation.go, enqueue.go; internal/escalate's Rule): a
-- notice's first escalation timers, the move of its deadline timer when a
-- pause ends, an enforcement action and its job for each review or automated
-- if sqlite
-- action, and a notify.event job for each notified event. The triggers and
-- the configuration row they read go; rows already filed stay as they are.
DROP TRIGGER notices_escalation_due;
DROP TRIGGER notices_escalation;
-- if postgres
-- action, and a notify.event job for each notified event. The triggers, their
-- functions and the configuration row they read go; rows already filed stay
-- as they are.
DROP TRIGGER notices_escalation_due ON notices;
DROP TRIGGER notices_escalation ON notices;
DROP FUNCTION sigap_notices_escalation_due();
DROP FUNCTION sigap_notices_escalation();
-- end
DROP TABLE escalation_config;
-- if sqlite
DROP TRIGGER events_notify;
DROP TRIGGER automated_actions_enforce;
DROP TRIGGER review_actions_enforce;
-- if postgres
DROP TRIGGER events_notify ON events;
DROP TRIGGER automated_actions_enforce ON automated_actions;
DROP TRIGGER review_actions_enforce ON review_actions;
DROP FUNCTION sigap_events_notify();
DROP FUNCTION sigap_automated_actions_enforce();
DROP FUNCTION sigap_review_actions_enforce();
-- end

-- +goose Down
CREATE TABLE escalation_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_fraction {{double}} NOT NULL,
    unopened_ms {{bigint}} NOT NULL
);
INSERT INTO escalation_config (id, first_fraction, unopened_ms) VALUES (1, 0.5, 900000);
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER notices_escalation AFTER INSERT ON notices
-- if postgres
CREATE FUNCTION sigap_notices_escalation() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'deadline', 0, c.first_fraction, NEW.due_at - CAST((1.0 - c.first_fraction) * NEW.within_ms AS {{bigint}})
    FROM escalation_config c WHERE c.id = 1;
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'unopened', 0, 0, NEW.received_at + c.unopened_ms
    FROM escalation_config c WHERE c.id = 1 AND NEW.kind = 'order' AND NEW.class = 'urgent';
-- if sqlite
END;
-- if postgres
    RETURN NULL;
END $$;
-- end
-- +goose StatementEnd
-- if postgres
CREATE TRIGGER notices_escalation AFTER INSERT ON notices FOR EACH ROW EXECUTE FUNCTION sigap_notices_escalation();
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER notices_escalation_due AFTER UPDATE OF due_at ON notices
-- if postgres
CREATE FUNCTION sigap_notices_escalation_due() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    UPDATE escalation_timers SET next_at = NEW.due_at - CAST((1.0 - fraction) * NEW.within_ms AS {{bigint}})
    WHERE notice_id = NEW.id AND kind = 'deadline';
-- if sqlite
END;
-- if postgres
    RETURN NULL;
END $$;
-- end
-- +goose StatementEnd
-- if postgres
CREATE TRIGGER notices_escalation_due AFTER UPDATE OF due_at ON notices FOR EACH ROW EXECUTE FUNCTION sigap_notices_escalation_due();
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER review_actions_enforce AFTER INSERT ON review_actions
-- if postgres
CREATE FUNCTION sigap_review_actions_enforce() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO enforcement_actions (id, source, case_id, notice_id, subject, action, territorial_scope, until_at, state, requested_at)
    VALUES (NEW.id, 'review', NEW.case_id, '', NEW.subject, NEW.action, NEW.territorial_scope, NEW.until_at, 'pending', NEW.created_at)
    ON CONFLICT DO NOTHING;
    INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
    VALUES ('job_' || NEW.id, 'enforce.send', 'enforce.send:' || NEW.id, '{}', 'available', NEW.created_at, NEW.created_at)
    ON CONFLICT DO NOTHING;
-- if sqlite
END;
-- if postgres
    RETURN NULL;
END $$;
-- end
-- +goose StatementEnd
-- if postgres
CREATE TRIGGER review_actions_enforce AFTER INSERT ON review_actions FOR EACH ROW EXECUTE FUNCTION sigap_review_actions_enforce();
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER automated_actions_enforce AFTER INSERT ON automated_actions
-- if postgres
CREATE FUNCTION sigap_automated_actions_enforce() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
BEGIN
    INSERT INTO enforcement_actions (id, source, case_id, notice_id, subject, action, territorial_scope, until_at, state, requested_at)
    VALUES (NEW.id, 'scan', NEW.case_id, NEW.notice_id, NEW.post, NEW.action, '[]', NULL, 'pending', NEW.created_at)
    ON CONFLICT DO NOTHING;
    INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
    VALUES ('job_' || NEW.id, 'enforce.send', 'enforce.send:' || NEW.id, '{}', 'available', NEW.created_at, NEW.created_at)
    ON CONFLICT DO NOTHING;
-- if sqlite
END;
-- if postgres
    RETURN NULL;
END $$;
-- end
-- +goose StatementEnd
-- if postgres
CREATE TRIGGER automated_actions_enforce AFTER INSERT ON automated_actions FOR EACH ROW EXECUTE FUNCTION sigap_automated_actions_enforce();
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER events_notify AFTER INSERT ON events
WHEN NEW.notice_id IS NOT NULL AND NEW.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
    'notice.appeal', 'notice.actioned', 'notice.deadline_breached')
    AND EXISTS (SELECT 1 FROM notices n JOIN webhook_endpoints w ON w.org_id = n.org_id WHERE n.id = NEW.notice_id)
-- if postgres
CREATE FUNCTION sigap_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
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
-- +goose StatementEnd
-- if postgres
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW
WHEN (NEW.notice_id IS NOT NULL AND NEW.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
    'notice.appeal', 'notice.actioned', 'notice.deadline_breached'))
EXECUTE FUNCTION sigap_events_notify();
-- end
