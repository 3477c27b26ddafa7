-- Nodes that run steps. A node row is written by the node itself at start-up.
create table node (
    id              text primary key,
    incarnation     uuid not null,
    task_pool_size  int not null check (task_pool_size > 0),
    started_at      timestamptz not null,
    heartbeat_at    timestamptz not null
);

create table job (
    id               uuid primary key,
    -- submission order: the tie-breaker after priority
    seq              bigint generated always as identity unique,
    name             text not null,
    priority         int not null,
    labels           jsonb not null,
    parameters       jsonb not null,
    state            text not null check (state in ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    owner_node       text,
    idempotency_key  text unique,
    request_sha256   text,
    submitted_at     timestamptz not null default now(),
    started_at       timestamptz,
    finished_at      timestamptz
);
create index job_by_state on job (state, seq);
create index job_by_labels on job using gin (labels jsonb_path_ops);

create table step (
    job_id        uuid not null references job (id) on delete cascade,
    idx           int not null,
    name          text not null,
    kind          text not null,
    spec          jsonb not null,
    depends_on    int[] not null,
    -- copied from the job so that the ready queue is one index scan in dispatch order
    job_priority  int not null,
    job_seq       bigint not null,
    state         text not null check (state in ('PENDING', 'READY', 'DISPATCHED', 'RUNNING',
                                                 'SUCCEEDED', 'FAILED', 'SKIPPED', 'ABORTED')),
    attempt       int not null default 0,
    failures      int not null default 0,
    not_before    timestamptz,
    node          text,
    started_at    timestamptz,
    finished_at   timestamptz,
    exit_code     int,
    message       text,
    primary key (job_id, idx),
    unique (job_id, name)
);
create index step_ready_queue on step (job_priority desc, job_seq, idx) where state = 'READY';
create index step_active_by_node on step (node, job_priority desc, job_seq, idx) where state in ('DISPATCHED', 'RUNNING');

-- One row per attempt at running a step: who ran it, when, and how it ended.
create table step_attempt (
    id           bigint generated always as identity primary key,
    job_id       uuid not null,
    idx          int not null,
    attempt      int not null,
    node         text not null,
    started_at   timestamptz not null default clock_timestamp(),
    finished_at  timestamptz,
    outcome      text check (outcome in ('SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'LOST')),
    exit_code    int,
    message      text,
    unique (job_id, idx, attempt),
    foreign key (job_id, idx) references step (job_id, idx) on delete cascade
);

create table step_log (
    job_id   uuid not null,
    idx      int not null,
    attempt  int not null,
    line_no  int not null,
    stream   text not null check (stream in ('stdout', 'stderr', 'system')),
    at       timestamptz not null,
    line     text not null,
    primary key (job_id, idx, attempt, line_no),
    foreign key (job_id, idx) references step (job_id, idx) on delete cascade
);

create table job_message (
    id            bigint generated always as identity primary key,
    job_id        uuid not null references job (id) on delete cascade,
    name          text not null,
    payload       jsonb,
    received_by   text not null,
    received_at   timestamptz not null default now(),
    processed_by  text,
    processed_at  timestamptz
);
create index job_message_by_job on job_message (job_id, id);
