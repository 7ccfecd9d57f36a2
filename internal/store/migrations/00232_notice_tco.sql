-- +goose Up
-- An EU-TCO removal order's Annex I fields (Regulation (EU) 2021/784), as
-- the JSON object the authority sent and internal/notice checked.
CREATE TABLE notice_tco (
    notice_id TEXT PRIMARY KEY REFERENCES notices(id),
    fields TEXT NOT NULL
);

-- +goose Down
DROP TABLE notice_tco;
