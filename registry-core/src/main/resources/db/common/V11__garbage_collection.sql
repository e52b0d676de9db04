-- Online garbage collection (docs/gc-design.md): review queues of candidates, fed by the services
-- in the transactions that may make something unreferenced, the schedule, and the history of runs.

-- Blobs that may have become garbage, to be looked at from review_after on. One row per digest;
-- a newer event moves review_after to the earlier time (looking early is safe: the collector
-- decides from links and references, and looks again later when a link is still in its grace).
-- No foreign key: the blob row may already be gone when its review comes.
CREATE TABLE gc_blob_review (
    digest       VARCHAR(200) PRIMARY KEY,
    review_after TIMESTAMP WITH TIME ZONE NOT NULL,
    event        VARCHAR(32) NOT NULL
);
-- the collector walks the due part in (review_after, digest) order
CREATE INDEX gc_blob_review_due ON gc_blob_review (review_after, digest);

-- Manifests that may have become untagged garbage (for runs with deleteUntagged).
CREATE TABLE gc_manifest_review (
    manifest_id  BIGINT PRIMARY KEY REFERENCES manifest (id) ON DELETE CASCADE,
    review_after TIMESTAMP WITH TIME ZONE NOT NULL,
    event        VARCHAR(32) NOT NULL
);
CREATE INDEX gc_manifest_review_due ON gc_manifest_review (review_after, manifest_id);

-- The schedule (one row): a cron expression or none, whether scheduled runs also delete untagged
-- manifests, and the last fire time a replica claimed (so a schedule fires once across replicas).
CREATE TABLE gc_settings (
    id              INTEGER PRIMARY KEY,
    schedule        VARCHAR(128),
    delete_untagged BOOLEAN NOT NULL,
    last_fire       TIMESTAMP WITH TIME ZONE,
    updated_by      VARCHAR(255),
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO gc_settings (id, schedule, delete_untagged, updated_at) VALUES (1, NULL, FALSE, CURRENT_TIMESTAMP);

-- One garbage collection run (its job_run row has state, progress and who started it).
CREATE TABLE gc_run (
    job_run_id         BIGINT PRIMARY KEY REFERENCES job_run (id) ON DELETE CASCADE,
    dry_run            BOOLEAN NOT NULL,
    delete_untagged    BOOLEAN NOT NULL,
    reviewed_manifests INTEGER NOT NULL DEFAULT 0,
    deleted_manifests  INTEGER NOT NULL DEFAULT 0,
    reviewed_blobs     INTEGER NOT NULL DEFAULT 0,
    deleted_blobs      INTEGER NOT NULL DEFAULT 0,
    removed_links      INTEGER NOT NULL DEFAULT 0,
    freed_bytes        BIGINT NOT NULL DEFAULT 0,
    expired_uploads    INTEGER NOT NULL DEFAULT 0
);

-- What a run deleted (or, for a dry run, would delete), and why.
CREATE TABLE gc_item (
    job_run_id BIGINT NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    -- manifest, blob, link (a blob's link removed from one repository; the blob stays)
    kind       VARCHAR(16) NOT NULL,
    repository VARCHAR(255),
    digest     VARCHAR(200) NOT NULL,
    size       BIGINT NOT NULL,
    reason     VARCHAR(1024) NOT NULL,
    PRIMARY KEY (job_run_id, seq)
);

-- Job runs remember what they were started with (e.g. dryRun=true).
ALTER TABLE job_run ADD COLUMN parameters VARCHAR(1024);

-- Registries older than this migration: what a first run may collect. Blobs no manifest references
-- (uploads whose manifest never came, blobs of deleted manifests) and untagged manifests.
INSERT INTO gc_blob_review (digest, review_after, event)
SELECT b.digest, CURRENT_TIMESTAMP, 'migration' FROM blob b
WHERE NOT EXISTS (SELECT 1 FROM manifest_reference x WHERE x.kind = 'blob' AND x.digest = b.digest);
INSERT INTO gc_manifest_review (manifest_id, review_after, event)
SELECT m.id, CURRENT_TIMESTAMP, 'migration' FROM manifest m
WHERE NOT EXISTS (SELECT 1 FROM tag t WHERE t.manifest_id = m.id);
