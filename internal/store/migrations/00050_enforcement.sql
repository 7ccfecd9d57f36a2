-- +goose Up
-- jobs is the durable work queue (internal/jobs). A job is taken when
-- run_at <= now and its state is 'available', or 'running' with an expired
-- lease (run_at then holds the lease expiry), so one partial index serves both.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at {{bigint}} NOT NULL,
    created_at {{bigint}} NOT NULL,
    retry_from {{bigint}},
    finished_at {{bigint}},
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_due ON jobs(run_at) WHERE state IN ('available', 'running');
CREATE INDEX jobs_state ON jobs(state, created_at);

CREATE TABLE webhook_endpoints (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at {{bigint}} NOT NULL,
    updated_at {{bigint}} NOT NULL
);
-- webhook_deliveries is the outbox: one row per message; its id is the
-- webhook-id every attempt reuses.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at {{bigint}} NOT NULL,
    last_attempt_at {{bigint}},
    last_status INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    delivered_at {{bigint}},
    ref TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_deliveries_org ON webhook_deliveries(org_id, id);
CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, id);

-- enforcement_actions is every action asked of the platform, from review
-- (review_actions) and from automated scanning (automated_actions).
CREATE TABLE enforcement_actions (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    case_id TEXT NOT NULL DEFAULT '',
    notice_id TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL,
    action TEXT NOT NULL,
    territorial_scope TEXT NOT NULL DEFAULT '[]',
    until_at {{bigint}},
    state TEXT NOT NULL,
    requested_at {{bigint}} NOT NULL,
    sent_at {{bigint}},
    executed_at {{bigint}},
    evidence_sha256 TEXT NOT NULL DEFAULT '',
    confirmed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enforcement_actions_case ON enforcement_actions(case_id);
CREATE INDEX enforcement_actions_state ON enforcement_actions(state, id);

-- Enqueue in the same transaction as the change: these triggers turn each
-- pending action row into an enforcement action and a job, whoever inserts it.
-- if postgres
-- Notifier updates: timeline events on a notice become a job that tells the
-- notifier's endpoint, if it has one.

-- end
-- section enforce_triggers
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
-- end section
-- if sqlite
-- Notifier updates: timeline events on a notice become a job that tells the
-- notifier's endpoint, if it has one.
-- if postgres
CREATE TRIGGER automated_actions_enforce AFTER INSERT ON automated_actions FOR EACH ROW EXECUTE FUNCTION sigap_automated_actions_enforce();
-- end
-- +goose StatementBegin
-- if sqlite
CREATE TRIGGER events_notify AFTER INSERT ON events
WHEN NEW.notice_id IS NOT NULL AND NEW.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
    'notice.appeal', 'notice.actioned', 'notice.deadline_breached')
-- if postgres
CREATE FUNCTION sigap_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
-- end
-- section events_notify_body
BEGIN
    INSERT INTO jobs (id, kind, key, payload, state, run_at, created_at)
    VALUES ('job_ev' || NEW.seq, 'notify.event', 'notify.event:' || NEW.seq, '{"seq":' || NEW.seq || '}', 'available', NEW.at, NEW.at)
    ON CONFLICT DO NOTHING;
-- if sqlite
END;
-- if postgres
    RETURN NULL;
END $$;
-- end
-- end section
-- +goose StatementEnd
-- section events_notify_trigger
-- if postgres
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW
WHEN (NEW.notice_id IS NOT NULL AND NEW.type IN ('notice.received', 'notice.status', 'notice.decision', 'clarification.requested',
    'notice.appeal', 'notice.actioned', 'notice.deadline_breached'))
EXECUTE FUNCTION sigap_events_notify();
-- end
-- end section

-- Escalation: one row per open clock and kind, holding the next instant it
-- must act at; the escalation loop sleeps until MIN(next_at).
-- section escalation_config
CREATE TABLE escalation_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_fraction {{double}} NOT NULL,
    unopened_ms {{bigint}} NOT NULL
);
INSERT INTO escalation_config (id, first_fraction, unopened_ms) VALUES (1, 0.5, 900000);
-- end section
CREATE TABLE escalation_timers (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    kind TEXT NOT NULL,
    step INTEGER NOT NULL DEFAULT 0,
    fraction {{double}} NOT NULL DEFAULT 0,
    next_at {{bigint}},
    PRIMARY KEY (notice_id, kind)
);
CREATE INDEX escalation_timers_next ON escalation_timers(next_at) WHERE next_at IS NOT NULL;
-- section notices_escalation
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
-- end section
-- A clock moved by a clarification pause moves its deadline timer with it
-- (and wakes one parked while the clock was paused).
-- section notices_escalation_due
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
-- end section
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    at {{bigint}} NOT NULL,
    kind TEXT NOT NULL,
    notice_id TEXT NOT NULL DEFAULT '',
    case_id TEXT NOT NULL DEFAULT '',
    fraction {{double}} NOT NULL DEFAULT 0,
    due_at {{bigint}},
    contact_id TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    sent_at {{bigint}}
);
CREATE INDEX alerts_at ON alerts(at, id);
CREATE INDEX alerts_notice ON alerts(notice_id, at);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    jurisdiction TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
-- if sqlite
    webhook INTEGER NOT NULL DEFAULT 0,
-- if postgres
    webhook BOOLEAN NOT NULL DEFAULT false,
-- end
    languages TEXT NOT NULL DEFAULT '[]',
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    position INTEGER NOT NULL DEFAULT 0,
    days TEXT NOT NULL DEFAULT '[]',
    shift_start TEXT NOT NULL DEFAULT '',
    shift_end TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL,
    removed_at {{bigint}}
);
CREATE INDEX contacts_jurisdiction ON contacts(jurisdiction, role, position);

CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    action_id TEXT NOT NULL,
    case_id TEXT NOT NULL DEFAULT '',
    snapshot_ref TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    preserved_at {{bigint}} NOT NULL,
    keep_until {{bigint}} NOT NULL,
    hold_until {{bigint}},
    hold_by TEXT NOT NULL DEFAULT '',
    hold_reason TEXT NOT NULL DEFAULT '',
    purged_at {{bigint}}
);
CREATE UNIQUE INDEX evidence_action ON evidence(action_id);
CREATE INDEX evidence_case ON evidence(case_id);

-- +goose Down
DROP TABLE evidence;
DROP TABLE contacts;
DROP TABLE alerts;
-- if sqlite
DROP TRIGGER notices_escalation_due;
DROP TRIGGER notices_escalation;
-- if postgres
DROP TRIGGER notices_escalation_due ON notices;
DROP TRIGGER notices_escalation ON notices;
DROP FUNCTION sigap_notices_escalation_due();
DROP FUNCTION sigap_notices_escalation();
-- end
DROP TABLE escalation_timers;
-- section drop_config_and_triggers
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
-- end section
DROP TABLE enforcement_actions;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE jobs;
