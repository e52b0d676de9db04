-- Retention: a cron schedule per project (evaluated in UTC; the replica whose conditional update
-- of last_fire succeeds runs it), and progress of an execution while it runs: in_scope is the
-- number of artifacts decided on, the counts grow as decisions are carried out, and finished_at
-- stays empty until the end.
ALTER TABLE retention_policy ADD COLUMN schedule VARCHAR(128);
ALTER TABLE retention_policy ADD COLUMN last_fire TIMESTAMP WITH TIME ZONE;
ALTER TABLE retention_execution ADD COLUMN in_scope INTEGER;
