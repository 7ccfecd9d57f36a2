-- +goose Up
-- The files an authority attached to a notice (the signed letter as a PDF,
-- or an image of it), checked by internal/document before they are stored.
-- They are part of the notice's record: kept as long as the notice, never
-- changed, their SHA-256 in the notice's signed receipt.
CREATE TABLE notice_documents (
    notice_id TEXT NOT NULL REFERENCES notices(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size {{bigint}} NOT NULL,
    sha256 TEXT NOT NULL,
    data {{blob}} NOT NULL,
    PRIMARY KEY (notice_id, position)
);

-- +goose Down
DROP TABLE notice_documents;
