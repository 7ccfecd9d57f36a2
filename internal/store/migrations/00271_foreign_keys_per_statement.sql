-- +goose Up
-- if sqlite
-- SQLite checks foreign keys in process, for microseconds; it keeps them.
SELECT 1;
-- if postgres
-- The four foreign keys every notice's rows check (its org; its subjects'
-- notice and case; its two escalation timers' notice) are checked once per
-- statement instead of once per row. A group of notices is stored by one
-- multi-row INSERT per table, and PostgreSQL ran a foreign key's check as a
-- query of its own for every row: a fifth of PostgreSQL's CPU per notice in
-- `sigap bench intake` (perf). The checks below hold the same rule: an
-- inserted row's key names an existing row, which is locked FOR KEY SHARE as
-- the foreign key's check locks it, so a concurrent delete waits for the
-- commit and then fails; a changed key is checked the same way (row by row:
-- keys never change in sigap); and a referenced row cannot be deleted, or its
-- key changed, while a row names it. Violations raise foreign_key_violation
-- (23503) with the old constraint's name, at the end of the statement, as
-- before.
ALTER TABLE notices DROP CONSTRAINT notices_org_id_fkey;
ALTER TABLE notice_subjects DROP CONSTRAINT notice_subjects_notice_id_fkey;
ALTER TABLE notice_subjects DROP CONSTRAINT notice_subjects_case_id_fkey;
ALTER TABLE escalation_timers DROP CONSTRAINT escalation_timers_notice_id_fkey;

-- One function for the three tables' inserts: it is compiled per table, and
-- each branch's plan (a parent looked up by its key) is kept.
-- +goose StatementBegin
CREATE FUNCTION sigap_fk_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    broken text;
BEGIN
    CASE TG_TABLE_NAME
    WHEN 'notices' THEN
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT org_id FROM fk_new) c
                   WHERE NOT EXISTS (SELECT 1 FROM orgs p WHERE p.id = c.org_id FOR KEY SHARE)) THEN
            broken := 'notices_org_id_fkey';
        END IF;
    WHEN 'escalation_timers' THEN
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT notice_id FROM fk_new) c
                   WHERE NOT EXISTS (SELECT 1 FROM notices p WHERE p.id = c.notice_id FOR KEY SHARE)) THEN
            broken := 'escalation_timers_notice_id_fkey';
        END IF;
    WHEN 'notice_subjects' THEN
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT notice_id FROM fk_new) c
                   WHERE NOT EXISTS (SELECT 1 FROM notices p WHERE p.id = c.notice_id FOR KEY SHARE)) THEN
            broken := 'notice_subjects_notice_id_fkey';
        ELSIF EXISTS (SELECT 1 FROM (SELECT DISTINCT case_id FROM fk_new) c
                      WHERE NOT EXISTS (SELECT 1 FROM cases p WHERE p.id = c.case_id FOR KEY SHARE)) THEN
            broken := 'notice_subjects_case_id_fkey';
        END IF;
    END CASE;
    IF broken IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, broken
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = broken;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- A changed key (rare: sigap never changes one), row by row. TG_ARGV: the
-- column, the referenced table and its key, the constraint's name.
-- +goose StatementBegin
CREATE FUNCTION sigap_fk_child_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    found boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1 FOR KEY SHARE)', TG_ARGV[1], TG_ARGV[2])
        INTO found USING to_jsonb(NEW) ->> TG_ARGV[0];
    IF NOT found THEN
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"', TG_TABLE_NAME, TG_ARGV[3]
            USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME, CONSTRAINT = TG_ARGV[3];
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- A referenced row deleted (the statement's rows) or its key changed (row by
-- row). TG_ARGV: the key, then a referring table and its column per pair.
-- +goose StatementBegin
CREATE FUNCTION sigap_fk_parent_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i int := 1;
    named boolean;
BEGIN
    WHILE i < TG_NARGS LOOP
        IF TG_LEVEL = 'ROW' THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[i], TG_ARGV[i + 1])
                INTO named USING to_jsonb(OLD) ->> TG_ARGV[0];
        ELSE
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM fk_old o JOIN %I c ON c.%I = o.%I)', TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[0])
                INTO named;
        END IF;
        IF named THEN
            RAISE EXCEPTION 'update or delete on table "%" violates foreign key constraint "%_%_fkey" on table "%"',
                TG_TABLE_NAME, TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i]
                USING ERRCODE = 'foreign_key_violation', TABLE = TG_ARGV[i];
        END IF;
        i := i + 2;
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER notices_fk_insert AFTER INSERT ON notices REFERENCING NEW TABLE AS fk_new
    FOR EACH STATEMENT EXECUTE FUNCTION sigap_fk_insert();
CREATE TRIGGER notice_subjects_fk_insert AFTER INSERT ON notice_subjects REFERENCING NEW TABLE AS fk_new
    FOR EACH STATEMENT EXECUTE FUNCTION sigap_fk_insert();
CREATE TRIGGER escalation_timers_fk_insert AFTER INSERT ON escalation_timers REFERENCING NEW TABLE AS fk_new
    FOR EACH STATEMENT EXECUTE FUNCTION sigap_fk_insert();

CREATE TRIGGER notices_fk_update AFTER UPDATE OF org_id ON notices
    FOR EACH ROW WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id)
    EXECUTE FUNCTION sigap_fk_child_update('org_id', 'orgs', 'id', 'notices_org_id_fkey');
CREATE TRIGGER notice_subjects_fk_update_notice AFTER UPDATE OF notice_id ON notice_subjects
    FOR EACH ROW WHEN (OLD.notice_id IS DISTINCT FROM NEW.notice_id)
    EXECUTE FUNCTION sigap_fk_child_update('notice_id', 'notices', 'id', 'notice_subjects_notice_id_fkey');
CREATE TRIGGER notice_subjects_fk_update_case AFTER UPDATE OF case_id ON notice_subjects
    FOR EACH ROW WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION sigap_fk_child_update('case_id', 'cases', 'id', 'notice_subjects_case_id_fkey');
CREATE TRIGGER escalation_timers_fk_update AFTER UPDATE OF notice_id ON escalation_timers
    FOR EACH ROW WHEN (OLD.notice_id IS DISTINCT FROM NEW.notice_id)
    EXECUTE FUNCTION sigap_fk_child_update('notice_id', 'notices', 'id', 'escalation_timers_notice_id_fkey');

CREATE TRIGGER orgs_fk_delete AFTER DELETE ON orgs REFERENCING OLD TABLE AS fk_old
    FOR EACH STATEMENT EXECUTE FUNCTION sigap_fk_parent_change('id', 'notices', 'org_id');
CREATE TRIGGER orgs_fk_update AFTER UPDATE OF id ON orgs FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION sigap_fk_parent_change('id', 'notices', 'org_id');
CREATE TRIGGER notices_fk_delete AFTER DELETE ON notices REFERENCING OLD TABLE AS fk_old
    FOR EACH STATEMENT EXECUTE FUNCTION sigap_fk_parent_change('id', 'notice_subjects', 'notice_id', 'escalation_timers', 'notice_id');
CREATE TRIGGER notices_fk_update_id AFTER UPDATE OF id ON notices FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION sigap_fk_parent_change('id', 'notice_subjects', 'notice_id', 'escalation_timers', 'notice_id');
CREATE TRIGGER cases_fk_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS fk_old
    FOR EACH STATEMENT EXECUTE FUNCTION sigap_fk_parent_change('id', 'notice_subjects', 'case_id');
CREATE TRIGGER cases_fk_update AFTER UPDATE OF id ON cases FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION sigap_fk_parent_change('id', 'notice_subjects', 'case_id');
-- end

-- +goose Down
-- if sqlite
SELECT 1;
-- if postgres
DROP TRIGGER cases_fk_update ON cases;
DROP TRIGGER cases_fk_delete ON cases;
DROP TRIGGER notices_fk_update_id ON notices;
DROP TRIGGER notices_fk_delete ON notices;
DROP TRIGGER orgs_fk_update ON orgs;
DROP TRIGGER orgs_fk_delete ON orgs;
DROP TRIGGER escalation_timers_fk_update ON escalation_timers;
DROP TRIGGER notice_subjects_fk_update_case ON notice_subjects;
DROP TRIGGER notice_subjects_fk_update_notice ON notice_subjects;
DROP TRIGGER notices_fk_update ON notices;
DROP TRIGGER escalation_timers_fk_insert ON escalation_timers;
DROP TRIGGER notice_subjects_fk_insert ON notice_subjects;
DROP TRIGGER notices_fk_insert ON notices;
DROP FUNCTION sigap_fk_parent_change();
DROP FUNCTION sigap_fk_child_update();
DROP FUNCTION sigap_fk_insert();
ALTER TABLE escalation_timers ADD CONSTRAINT escalation_timers_notice_id_fkey FOREIGN KEY (notice_id) REFERENCES notices(id);
ALTER TABLE notice_subjects ADD CONSTRAINT notice_subjects_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases(id);
ALTER TABLE notice_subjects ADD CONSTRAINT notice_subjects_notice_id_fkey FOREIGN KEY (notice_id) REFERENCES notices(id);
ALTER TABLE notices ADD CONSTRAINT notices_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs(id);
-- end
