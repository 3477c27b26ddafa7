-- A node writes an attempt's row as the attempt ends, on the path of every step: the foreign key
-- to step made each insert a locked read of the step row (FOR KEY SHARE, logged), which is what
-- made the insert the heaviest statement of the step's path. The row is written only for a step
-- that exists (the insert joins it), and a job's deletion removes its attempts itself
-- (RetentionStore), as the cascade did.
alter table step_attempt drop constraint step_attempt_job_id_idx_fkey;
