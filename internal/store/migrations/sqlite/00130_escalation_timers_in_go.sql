-- +goose Up
-- Escalation timers are filed by Go, in the transaction that stores the
-- notice (internal/escalate's Rule) or moves its clock (store.Tx.EndPause);
-- the triggers and the configuration row they read go. Timers already filed
-- stay as they are.
DROP TRIGGER notices_escalation_due;
DROP TRIGGER notices_escalation;
DROP TABLE escalation_config;

-- +goose Down
CREATE TABLE escalation_config (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    first_fraction REAL NOT NULL,
    unopened_ms INTEGER NOT NULL
);
INSERT INTO escalation_config (id, first_fraction, unopened_ms) VALUES (1, 0.5, 900000);
-- +goose StatementBegin
CREATE TRIGGER notices_escalation AFTER INSERT ON notices
BEGIN
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'deadline', 0, c.first_fraction, NEW.due_at - CAST((1.0 - c.first_fraction) * NEW.within_ms AS INTEGER)
    FROM escalation_config c WHERE c.id = 1;
    INSERT INTO escalation_timers (notice_id, kind, step, fraction, next_at)
    SELECT NEW.id, 'unopened', 0, 0, NEW.received_at + c.unopened_ms
    FROM escalation_config c WHERE c.id = 1 AND NEW.kind = 'order' AND NEW.class = 'urgent';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notices_escalation_due AFTER UPDATE OF due_at ON notices
BEGIN
    UPDATE escalation_timers SET next_at = NEW.due_at - CAST((1.0 - fraction) * NEW.within_ms AS INTEGER)
    WHERE notice_id = NEW.id AND kind = 'deadline';
END;
-- +goose StatementEnd
