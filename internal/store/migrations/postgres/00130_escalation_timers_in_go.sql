-- +goose Up
-- Escalation timers are filed by Go, in the transaction that stores the
-- notice (internal/escalate's Rule) or moves its clock (store.Tx.EndPause);
-- the triggers, their functions and the configuration row they read go.
-- Timers already filed stay as they are.
DROP TRIGGER notices_escalation_due ON notices;
DROP TRIGGER notices_escalation ON notices;
DROP FUNCTION sigap_notices_escalation_due();
DROP FUNCTION sigap_notices_escalation();
DROP TABLE escalation_config;

-- +goose Down
CREATE TABLE escalation_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_fraction DOUBLE PRECISION NOT NULL,
    unopened_ms BIGINT NOT NULL
);
INSERT INTO escalation_config (id, first_fraction, unopened_ms) VALUES (1, 0.5, 900000);
-- +goose StatementBegin
CREATE FUNCTION sigap_notices_escalation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'deadline', 0, c.first_fraction, NEW.due_at - CAST((1.0 - c.first_fraction) * NEW.within_ms AS BIGINT)
    FROM escalation_config c WHERE c.id = 1;
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'unopened', 0, 0, NEW.received_at + c.unopened_ms
    FROM escalation_config c WHERE c.id = 1 AND NEW.kind = 'order' AND NEW.class = 'urgent';
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER notices_escalation AFTER INSERT ON notices FOR EACH ROW EXECUTE FUNCTION sigap_notices_escalation();
-- +goose StatementBegin
CREATE FUNCTION sigap_notices_escalation_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE escalation_timers SET next_at = NEW.due_at - CAST((1.0 - fraction) * NEW.within_ms AS BIGINT)
    WHERE notice_id = NEW.id AND kind = 'deadline';
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER notices_escalation_due AFTER UPDATE OF due_at ON notices FOR EACH ROW EXECUTE FUNCTION sigap_notices_escalation_due();
