-- +goose Up
-- Set once every rule stored before match keys (00110) has been given one,
-- so the server's start looks for such rules only until then.
ALTER TABLE filter_state ADD COLUMN match_keys_done INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE filter_state DROP COLUMN match_keys_done;
