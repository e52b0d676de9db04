-- Project quotas: the storage a project uses, kept up to date by every push and deletion in the
-- same transaction (see docs/architecture.md, "Quotas"). A project's usage is the sum of the sizes
-- of the distinct blob digests linked in any of its repositories plus the sizes of its manifests.
-- The row is also the project's write lock: pushes and deletions in one project take it first
-- (SELECT ... FOR UPDATE), so two concurrent pushes never count one blob twice nor overrun the quota.
CREATE TABLE project_usage (
    project_id BIGINT PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE,
    used_bytes BIGINT NOT NULL
);

INSERT INTO project_usage (project_id, used_bytes)
SELECT p.id,
       COALESCE((SELECT SUM(b.size) FROM blob b WHERE b.digest IN (
                    SELECT l.digest FROM repository_blob l JOIN repository r ON r.id = l.repository_id
                    WHERE r.project_id = p.id)), 0)
     + COALESCE((SELECT SUM(m.size) FROM manifest m JOIN repository r ON r.id = m.repository_id
                 WHERE r.project_id = p.id), 0)
FROM project p;
