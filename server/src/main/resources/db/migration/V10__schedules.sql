-- Schedules: the scheduler (the lease holder) fires each due tick in a transaction fenced by
-- its epoch that also creates the tick's job and moves next_tick on, so a tick becomes one
-- job whoever dies when. The unique index on a job's (schedule_name, schedule_tick) makes a
-- second job for a tick impossible even past a bug, and lists a schedule's runs in one scan.
create table schedule (
    name        text primary key,
    spec        jsonb not null,
    paused      boolean not null default false,
    -- ticks count from here (an interval's anchor): when it was created or last replaced
    anchor      timestamptz not null default now(),
    -- the first tick not yet handled; null when the trigger has no more
    next_tick   timestamptz,
    last_tick   timestamptz,
    fired       bigint not null default 0,
    missed      bigint not null default 0,
    skipped     bigint not null default 0,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index schedule_due on schedule (next_tick) where not paused and next_tick is not null;

alter table job add column schedule_name text;
alter table job add column schedule_tick timestamptz;
create unique index job_schedule_tick on job (schedule_name, schedule_tick) where schedule_name is not null;
