-- The scheduler whose lease lapsed, and its last heartbeat when the lease was taken from it:
-- its lease and its heartbeat lapse about together when its node dies, so the new scheduler
-- does not count it a member until it heartbeats again (ClusterStore.liveMembers).
alter table scheduler_lease add column lapsed_holder text;
alter table scheduler_lease add column lapsed_heartbeat_at timestamptz;
