-- A step's name is unique within its job because the API refuses a job that repeats one
-- (JobValidator), before anything is stored; steps are written nowhere else. The constraint's
-- index added an entry on each of a step's three writes (about 7% of the write-ahead log a
-- one-step job costs), and the only lookup by name reads one job's steps by the primary key.
alter table step drop constraint step_job_id_name_key;
