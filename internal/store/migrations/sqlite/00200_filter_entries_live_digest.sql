-- +goose Up
-- PostgreSQL's 00170 makes its live-duplicate index cover md5(value), since a
-- video hash is longer than a btree row there; SQLite indexes values of any
-- length, so its index stays as it is.
SELECT 1;

-- +goose Down
SELECT 1;
