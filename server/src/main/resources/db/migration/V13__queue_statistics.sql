-- Statistics for a queue, at a queue's price. Migration V6 had job, step and step_attempt analysed
-- and vacuumed after 2% of their rows changed. Under a steady stream of steps that is every
-- second (the launcher's naptime): perf put autovacuum at 31% of PostgreSQL's CPU while 12,000
-- noop jobs ran, most of it ANALYZE sorting and detoasting the wide jsonb columns of a sample
-- of 30,000 rows. The planner needs two things from these tables: how big they are, and what
-- fraction of their rows is in each state. So: PostgreSQL's default thresholds again (a tenth
-- of a table changed before it is analysed, a fifth before it is vacuumed; with the launcher
-- looking every second a young table is still analysed as it grows), a sample of 3,000 rows
-- (statistics target 10) for the columns that rows are selected, joined or ordered by, and no
-- statistics for the columns only ever read (specs, labels, parameters, messages, times).
-- Measured: autovacuum at 11% of PostgreSQL's CPU, and 30,000 queued cost no more per job than
-- 12,000.
alter table job reset (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
alter table step reset (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
alter table step_attempt reset (autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor);
alter table job
    alter column id set statistics 10,
    alter column seq set statistics 10,
    alter column priority set statistics 10,
    alter column state set statistics 10,
    alter column owner_node set statistics 10,
    alter column distribution set statistics 10,
    alter column expires_at set statistics 10,
    alter column schedule_name set statistics 10,
    alter column name set statistics 0,
    alter column labels set statistics 0,
    alter column parameters set statistics 0,
    alter column idempotency_key set statistics 0,
    alter column request_sha256 set statistics 0,
    alter column submitted_at set statistics 0,
    alter column started_at set statistics 0,
    alter column finished_at set statistics 0,
    alter column owner_epoch set statistics 0,
    alter column retention_seconds set statistics 0,
    alter column schedule_tick set statistics 0;
alter table step
    alter column job_id set statistics 10,
    alter column idx set statistics 10,
    alter column kind set statistics 10,
    alter column job_priority set statistics 10,
    alter column job_seq set statistics 10,
    alter column state set statistics 10,
    alter column not_before set statistics 10,
    alter column node set statistics 10,
    alter column name set statistics 0,
    alter column spec set statistics 0,
    alter column depends_on set statistics 0,
    alter column attempt set statistics 0,
    alter column failures set statistics 0,
    alter column started_at set statistics 0,
    alter column finished_at set statistics 0,
    alter column exit_code set statistics 0,
    alter column message set statistics 0,
    alter column dispatched_epoch set statistics 0,
    alter column dispatched_at set statistics 0;
alter table step_attempt
    alter column id set statistics 10,
    alter column job_id set statistics 10,
    alter column idx set statistics 10,
    alter column attempt set statistics 10,
    alter column outcome set statistics 10,
    alter column node set statistics 0,
    alter column started_at set statistics 0,
    alter column finished_at set statistics 0,
    alter column exit_code set statistics 0,
    alter column message set statistics 0;
