-- Finished jobs are deleted once they have been kept for their retention: each job carries
-- its own (given at submission, else the cluster's default then), and the transaction that
-- ends a job writes when it expires, so that the sweep reads a narrow index in order instead
-- of computing an expiry for every finished job. Steps, attempts, logs, packets, results and
-- messages go with their job (foreign keys on delete cascade).
alter table job add column retention_seconds bigint not null default 2592000 check (retention_seconds > 0);
alter table job add column expires_at timestamptz;
update job set expires_at = finished_at + make_interval(secs => retention_seconds) where finished_at is not null;
create index job_expiry on job (expires_at) where expires_at is not null;
