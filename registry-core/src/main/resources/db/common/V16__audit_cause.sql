-- Why an audit entry happened when it is part of a larger piece of work: the garbage collection run
-- (gc-run:42) or the retention execution and rule (retention-execution:7 rule 1: ...) it belongs to;
-- NULL for a change a request asked for itself. The actor of such an entry is whoever started the
-- run (system for a scheduled one), its client_address the address the start came from.
-- Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.

ALTER TABLE audit_event ADD COLUMN cause VARCHAR(512);
