-- Each node's count of jobs that ended on it since it started, written with its heartbeat, so
-- that any node can show the cluster's throughput (the dashboard's chart) without asking the others.
alter table node add column jobs_finished bigint not null default 0;
