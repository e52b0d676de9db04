-- Issue 11, correctness items 1 and 2. Runs unchanged on PostgreSQL and on H2 in PostgreSQL mode.

-- 1. Empty repositories (docs/gc-design.md, "Empty repositories"). A repository exists when it holds
-- a manifest; its row is created earlier, for the upload or mount that comes first, and may never
-- get one (a bare upload start, a push refused for its quota, an abandoned mount). Such rows are
-- queued here and removed by garbage collection once they hold no manifest, no link and no open
-- upload and are older than the grace. One row per repository; a second event moves review_after
-- to the earlier time, as in the other queues (V11).
CREATE TABLE gc_repository_review (
    repository_id BIGINT PRIMARY KEY REFERENCES repository (id) ON DELETE CASCADE,
    review_after  TIMESTAMP WITH TIME ZONE NOT NULL,
    event         VARCHAR(32) NOT NULL
);
CREATE INDEX gc_repository_review_due ON gc_repository_review (review_after, repository_id);

-- 2. One name per repository: a one-component name X is short for library/X (RepositoryName). Until
-- now X and library/X were two repositories. Every pair is merged into library/X, every lone X is
-- renamed library/X.

CREATE TABLE v13_pair (
    short_id   BIGINT PRIMARY KEY,
    long_id    BIGINT NOT NULL,
    short_name VARCHAR(255) NOT NULL,
    long_name  VARCHAR(255) NOT NULL
);
INSERT INTO v13_pair (short_id, long_id, short_name, long_name)
SELECT s.id, l.id, s.name, l.name FROM repository s JOIN repository l ON l.name = 'library/' || s.name
WHERE POSITION('/' IN s.name) = 0;

-- A tag in both: the one moved last wins; the other is removed and recorded in the audit log.
CREATE TABLE v13_lost_tag (
    tag_id      BIGINT PRIMARY KEY,
    long_id     BIGINT NOT NULL,
    lost_digest VARCHAR(200) NOT NULL,
    differs     BOOLEAN NOT NULL,
    resource    VARCHAR(512) NOT NULL,
    detail      VARCHAR(1024) NOT NULL
);
INSERT INTO v13_lost_tag (tag_id, long_id, lost_digest, differs, resource, detail)
SELECT CASE WHEN ts.updated_at > tl.updated_at THEN tl.id ELSE ts.id END,
       p.long_id,
       CASE WHEN ts.updated_at > tl.updated_at THEN ml.digest ELSE ms.digest END,
       CASE WHEN ms.digest <> ml.digest THEN TRUE ELSE FALSE END,
       p.long_name || ':' || ts.name,
       'merging ' || p.short_name || ' into ' || p.long_name || ' (a one-component name is short for library/<name>): tag '
           || ts.name || ' of ' || CASE WHEN ts.updated_at > tl.updated_at THEN p.long_name ELSE p.short_name END
           || ' pointed at ' || CASE WHEN ts.updated_at > tl.updated_at THEN ml.digest ELSE ms.digest END
           || '; the newer tag of ' || CASE WHEN ts.updated_at > tl.updated_at THEN p.short_name ELSE p.long_name END
           || ' at ' || CASE WHEN ts.updated_at > tl.updated_at THEN ms.digest ELSE ml.digest END || ' was kept'
FROM v13_pair p
JOIN tag ts ON ts.repository_id = p.short_id
JOIN tag tl ON tl.repository_id = p.long_id AND tl.name = ts.name
JOIN manifest ms ON ms.id = ts.manifest_id
JOIN manifest ml ON ml.id = tl.manifest_id;

INSERT INTO audit_event (occurred_at, actor_name, actor_kind, client_address, project, resource, operation, detail, count)
SELECT CURRENT_TIMESTAMP, 'system', 'system', NULL, 'library', resource, 'delete', detail, 1 FROM v13_lost_tag WHERE differs;

DELETE FROM tag WHERE id IN (SELECT tag_id FROM v13_lost_tag);

-- A manifest in both: X's tags move to library/X's copy, which keeps the later pull time; X's copy goes
-- (its references and review row cascade).
UPDATE tag SET manifest_id = (
    SELECT ml.id FROM manifest ms JOIN v13_pair p ON p.short_id = ms.repository_id
    JOIN manifest ml ON ml.repository_id = p.long_id AND ml.digest = ms.digest
    WHERE ms.id = tag.manifest_id)
WHERE EXISTS (
    SELECT 1 FROM manifest ms JOIN v13_pair p ON p.short_id = ms.repository_id
    JOIN manifest ml ON ml.repository_id = p.long_id AND ml.digest = ms.digest
    WHERE ms.id = tag.manifest_id);

UPDATE manifest SET pulled_at = (
    SELECT ms.pulled_at FROM manifest ms JOIN v13_pair p ON p.short_id = ms.repository_id
    WHERE p.long_id = manifest.repository_id AND ms.digest = manifest.digest)
WHERE EXISTS (
    SELECT 1 FROM manifest ms JOIN v13_pair p ON p.short_id = ms.repository_id
    WHERE p.long_id = manifest.repository_id AND ms.digest = manifest.digest
      AND ms.pulled_at IS NOT NULL AND (manifest.pulled_at IS NULL OR ms.pulled_at > manifest.pulled_at));

DELETE FROM manifest WHERE id IN (
    SELECT ms.id FROM manifest ms JOIN v13_pair p ON p.short_id = ms.repository_id
    JOIN manifest ml ON ml.repository_id = p.long_id AND ml.digest = ms.digest);

-- The rest of X moves into library/X: manifests, tags, open uploads, and the blob links library/X lacks.
UPDATE manifest SET repository_id = (SELECT p.long_id FROM v13_pair p WHERE p.short_id = manifest.repository_id)
WHERE repository_id IN (SELECT short_id FROM v13_pair);
UPDATE tag SET repository_id = (SELECT p.long_id FROM v13_pair p WHERE p.short_id = tag.repository_id)
WHERE repository_id IN (SELECT short_id FROM v13_pair);
UPDATE upload_session SET repository_id = (SELECT p.long_id FROM v13_pair p WHERE p.short_id = upload_session.repository_id)
WHERE repository_id IN (SELECT short_id FROM v13_pair);
INSERT INTO repository_blob (repository_id, digest, created_at)
SELECT p.long_id, ls.digest, ls.created_at FROM repository_blob ls JOIN v13_pair p ON p.short_id = ls.repository_id
WHERE NOT EXISTS (SELECT 1 FROM repository_blob ll WHERE ll.repository_id = p.long_id AND ll.digest = ls.digest);

DELETE FROM repository WHERE id IN (SELECT short_id FROM v13_pair);

-- the manifest a removed tag pointed at may be untagged now: the collector decides (deleteUntagged runs)
INSERT INTO gc_manifest_review (manifest_id, review_after, event)
SELECT DISTINCT m.id, CURRENT_TIMESTAMP, 'merge-untagged' FROM v13_lost_tag x
JOIN manifest m ON m.repository_id = x.long_id AND m.digest = x.lost_digest
WHERE NOT EXISTS (SELECT 1 FROM gc_manifest_review g WHERE g.manifest_id = m.id);

-- lone one-component names take their canonical name (they are in library since V3)
UPDATE repository SET name = 'library/' || name, project_id = (SELECT id FROM project WHERE name = 'library')
WHERE POSITION('/' IN name) = 0;

-- library's usage: each blob counts once per project, and a manifest both repositories held is one now
UPDATE project_usage SET used_bytes =
    COALESCE((SELECT SUM(b.size) FROM blob b WHERE b.digest IN (
        SELECT l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id
        WHERE r.project_id = project_usage.project_id)), 0)
  + COALESCE((SELECT SUM(m.size) FROM manifest m JOIN repository r ON r.id = m.repository_id
        WHERE r.project_id = project_usage.project_id), 0)
WHERE project_id = (SELECT id FROM project WHERE name = 'library');

DROP TABLE v13_lost_tag;
DROP TABLE v13_pair;

-- 1 again: every repository row without a manifest (left by earlier uploads and refused pushes) is
-- looked at by the next collection
INSERT INTO gc_repository_review (repository_id, review_after, event)
SELECT r.id, CURRENT_TIMESTAMP, 'migration' FROM repository r
WHERE NOT EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id);
