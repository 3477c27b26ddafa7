-- LOCAL or DISTRIBUTED, fixed at submission (the job's choice or the cluster default).
alter table job add column distribution text not null default 'LOCAL' check (distribution in ('LOCAL', 'DISTRIBUTED'));

-- A fanout step's items cut into packets. The coordinator (the node running the step) deals
-- PENDING packets to nodes (QUEUED), a node runs them (RUNNING, attempt counted) and records
-- their results with DONE in one transaction, only while the packet is still its own.
create table packet (
    job_id        uuid not null,
    idx           int not null,
    packet_no     int not null,
    first_item    int not null,
    item_count    int not null,
    -- the records of an items list; null for a range
    items         jsonb,
    state         text not null check (state in ('PENDING', 'QUEUED', 'RUNNING', 'DONE', 'ABORTED')),
    node          text,
    attempt       int not null default 0,
    queued_at     timestamptz,
    started_at    timestamptz,
    finished_at   timestamptz,
    -- the order packets finished in, for the coordinator's log
    done_seq      bigint unique,
    failed_items  int,
    primary key (job_id, idx, packet_no),
    foreign key (job_id, idx) references step (job_id, idx) on delete cascade
);
create sequence packet_done_seq;
create index packet_on_node on packet (node, queued_at) where state in ('QUEUED', 'RUNNING');
create index packet_pending on packet (job_id, idx, packet_no) where state = 'PENDING';

-- One result per item: the primary key makes "processed exactly once" a database fact.
create table fanout_result (
    job_id     uuid not null,
    idx        int not null,
    item       int not null,
    packet_no  int not null,
    node       text not null,
    attempt    int not null,
    ok         boolean not null,
    result     jsonb,
    primary key (job_id, idx, item),
    foreign key (job_id, idx) references step (job_id, idx) on delete cascade
);
