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
-- include 00050_enforcement.sql drop_config_and_triggers

-- +goose Down
-- include 00050_enforcement.sql escalation_config
-- include 00050_enforcement.sql notices_escalation
-- include 00050_enforcement.sql notices_escalation_due
-- include 00050_enforcement.sql enforce_triggers
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
-- include 00080_notify_only_subscribers.sql notify_body
-- +goose StatementEnd
-- include 00050_enforcement.sql events_notify_trigger
