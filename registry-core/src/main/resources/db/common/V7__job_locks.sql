-- Locks of periodic jobs (ShedLock's table): a job runs on one replica at a time. lock_until is
-- compared with the database's clock, not a replica's.
CREATE TABLE shedlock (
    name       VARCHAR(64) NOT NULL PRIMARY KEY,
    lock_until TIMESTAMP NOT NULL,
    locked_at  TIMESTAMP NOT NULL,
    locked_by  VARCHAR(255) NOT NULL
);
