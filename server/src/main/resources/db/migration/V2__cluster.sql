-- The scheduler lease (jdbc coordination) and the fencing epoch every takeover increments.
-- In kubernetes coordination the Lease object elects; this row still carries the epoch.
create table scheduler_lease (
    id           int primary key check (id = 1),
    holder       text,
    epoch        bigint not null,
    acquired_at  timestamptz,
    expires_at   timestamptz
);
insert into scheduler_lease (id, holder, epoch) values (1, null, 0);

-- declared_dead: set by the scheduler when it hands a silent node's work over; the node,
-- if it still lives, sees it at its next heartbeat and stops what it was running.
alter table node add column draining boolean not null default false;
alter table node add column declared_dead boolean not null default false;

alter table job add column owner_epoch bigint;
create index job_active_by_owner on job (owner_node) where state in ('PENDING', 'RUNNING');

-- which scheduler epoch dispatched the step's current attempt, and when
alter table step add column dispatched_epoch bigint;
alter table step add column dispatched_at timestamptz;

-- What the scheduler applied, for the API, metrics and the operator.
create table ring_state (
    id               int primary key check (id = 1),
    epoch            bigint not null,
    members          text[] not null,
    draining         text[] not null,
    scheduler        text,
    scheduler_epoch  bigint,
    updated_at       timestamptz not null
);
insert into ring_state (id, epoch, members, draining, updated_at) values (1, 0, '{}', '{}', now());
