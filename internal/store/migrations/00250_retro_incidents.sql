-- +goose Up
-- retro_jobs are retroactive scans: when entries arrive in a bank or list,
-- the posts of the window before (since_at..until_at) are scanned again for
-- those entries alone. A job is claimed by one scan worker at a time
-- (holder, heartbeat_at); last_seq is the stream sequence scanned up to, so
-- a worker that restarts resumes where the last one stopped. Queued jobs of
-- one set are merged (entry_ids, a JSON array), so a run of single additions
-- costs one pass over the stream.
CREATE TABLE retro_jobs (
    id TEXT PRIMARY KEY,
    set_id TEXT NOT NULL,
    entry_ids TEXT NOT NULL,
    incident_id TEXT NOT NULL DEFAULT '',
    priority INTEGER NOT NULL DEFAULT 0,
    since_at {{bigint}} NOT NULL,
    until_at {{bigint}} NOT NULL,
    state TEXT NOT NULL,
    total {{bigint}} NOT NULL DEFAULT 0,
    scanned {{bigint}} NOT NULL DEFAULT 0,
    posts {{bigint}} NOT NULL DEFAULT 0,
    hits {{bigint}} NOT NULL DEFAULT 0,
    first_seq {{bigint}} NOT NULL DEFAULT 0,
    last_seq {{bigint}} NOT NULL DEFAULT 0,
    end_seq {{bigint}} NOT NULL DEFAULT 0,
    holder TEXT NOT NULL DEFAULT '',
    heartbeat_at {{bigint}} NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    created_at {{bigint}} NOT NULL,
    started_at {{bigint}},
    finished_at {{bigint}}
);
CREATE INDEX retro_jobs_state ON retro_jobs(state, priority DESC, created_at);
-- retro_filings are the notices a retroactive scan filed: the mark that a
-- case was found after the fact.
CREATE TABLE retro_filings (
    job_id TEXT NOT NULL,
    notice_id TEXT NOT NULL,
    case_id TEXT NOT NULL DEFAULT '',
    post TEXT NOT NULL,
    set_id TEXT NOT NULL,
    at {{bigint}} NOT NULL,
    PRIMARY KEY (job_id, notice_id)
);
CREATE INDEX retro_filings_notice ON retro_filings(notice_id);
-- incidents are declared crises (the GIFCT Content Incident Protocol): hits
-- on their bank and list go to the incident lane.
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    labels TEXT NOT NULL,
    state TEXT NOT NULL,
    started_at {{bigint}} NOT NULL,
    declared_at {{bigint}} NOT NULL,
    declared_by TEXT NOT NULL,
    closed_at {{bigint}},
    closed_by TEXT NOT NULL DEFAULT '',
    bank_id TEXT NOT NULL DEFAULT '',
    list_id TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incidents_bank ON incidents(bank_id) WHERE state = 'open';
CREATE INDEX incidents_list ON incidents(list_id) WHERE state = 'open';
-- incident_cases are the cases an incident's hits moved into its lane.
CREATE TABLE incident_cases (
    incident_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    notice_id TEXT NOT NULL,
    post TEXT NOT NULL,
    retroactive INTEGER NOT NULL DEFAULT 0,
    at {{bigint}} NOT NULL,
    PRIMARY KEY (incident_id, notice_id)
);

-- +goose Down
DROP TABLE incident_cases;
DROP TABLE incidents;
DROP TABLE retro_filings;
DROP TABLE retro_jobs;
