-- The owner's inbox: messages not processed yet, found by job.
create index job_message_unprocessed on job_message (job_id) where processed_at is null;
