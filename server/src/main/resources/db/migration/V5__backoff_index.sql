-- the scheduler asks every pass when the earliest retry backoff ends: one index probe, not a
-- scan of the whole ready queue
create index step_backoff on step (not_before) where state = 'READY' and not_before is not null;
