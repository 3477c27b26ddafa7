-- The coordinator logs each finished packet once. It used to read "done_seq above the last one
-- logged", but done_seq is taken inside each packet's own transaction and those commit in any
-- order: a packet that committed after a higher number had been read was never logged. A packet
-- is now marked when its line is logged, in the statement that reads it.
alter table packet add column logged boolean not null default false;
create index packet_unlogged on packet (job_id, idx) where state = 'DONE' and not logged;
