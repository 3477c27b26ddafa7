-- A job's row is written three times (submitted, started, ended), and each write adds an entry
-- to every index of the table. Most jobs carry no idempotency key and no labels, and the API
-- only ever looks a job up by a key it was given or filters by labels it was given; owners are
-- only ever looked up by name. Index only the jobs that have them.
alter table job drop constraint job_idempotency_key_key;
create unique index job_idempotency_key on job (idempotency_key) where idempotency_key is not null;
drop index job_by_labels;
create index job_by_labels on job using gin (labels jsonb_path_ops) where labels <> '{}'::jsonb;
drop index job_active_by_owner;
create index job_active_by_owner on job (owner_node) where state in ('PENDING', 'RUNNING') and owner_node is not null;
