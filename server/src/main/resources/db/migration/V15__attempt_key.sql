-- An attempt is found by its step and number, never by the surrogate id: the id's index was one
-- more entry, and its sequence one more call, for each attempt written.
alter table step_attempt drop column id;
alter table step_attempt drop constraint step_attempt_job_id_idx_attempt_key;
alter table step_attempt add primary key (job_id, idx, attempt);
