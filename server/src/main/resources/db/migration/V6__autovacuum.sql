-- job, step and step_attempt are queues as much as records: a row changes state several times
-- within seconds of being written. With PostgreSQL's default thresholds (a tenth of a table
-- changed before it is analysed, a fifth before it is vacuumed) a burst of submissions into
-- a young table leaves the planner with statistics from before the burst: it then scans whole
-- tables for lookups by key and sorts the whole ready queue, per statement, so each step costs
-- more the longer the backlog (measured: 495 instead of 698 jobs/s with 6,000 queued). Analyse
-- and vacuum them after a fiftieth has changed instead.
alter table job set (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.02,
                     autovacuum_vacuum_insert_scale_factor = 0.02);
alter table step set (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.02,
                      autovacuum_vacuum_insert_scale_factor = 0.02);
alter table step_attempt set (autovacuum_analyze_scale_factor = 0.02, autovacuum_vacuum_scale_factor = 0.02,
                              autovacuum_vacuum_insert_scale_factor = 0.02);
