-- +goose Up
-- notice_subjects_report (case_id, notice_id), added for the reports, serves
-- every lookup by case_id too; one index fewer to write per subject received.
DROP INDEX notice_subjects_case;

-- +goose Down
CREATE INDEX notice_subjects_case ON notice_subjects(case_id);
