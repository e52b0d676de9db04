-- A repository's figures kept by the transactions that change them (QuotaLedger, under the project's usage lock, as the
-- project's usage is), so a page of repositories and a page of artifacts read one row per repository instead of counting
-- and summing every manifest (a repository with 10,000 manifests: three passes over them per page before).
-- manifests: every manifest row (index children and accessories too); manifest_bytes: their sizes; blob_bytes: the sizes
-- of the blobs linked into the repository (repository_blob), each once.
CREATE TABLE repository_figures (
    repository_id  BIGINT PRIMARY KEY REFERENCES repository (id) ON DELETE CASCADE,
    manifests      BIGINT NOT NULL,
    manifest_bytes BIGINT NOT NULL,
    blob_bytes     BIGINT NOT NULL
);
INSERT INTO repository_figures (repository_id, manifests, manifest_bytes, blob_bytes)
SELECT r.id,
       (SELECT count(*) FROM manifest m WHERE m.repository_id = r.id),
       (SELECT COALESCE(sum(m.size), 0) FROM manifest m WHERE m.repository_id = r.id),
       (SELECT COALESCE(sum(b.size), 0) FROM repository_blob l JOIN blob b ON b.digest = l.digest WHERE l.repository_id = r.id)
FROM repository r;

-- When a manifest of the repository was last pulled, written by PullTimes with the manifests' own times (only PullTimes
-- writes these rows, so they take no lock that a push or a deletion holds).
CREATE TABLE repository_pulled (
    repository_id BIGINT PRIMARY KEY REFERENCES repository (id) ON DELETE CASCADE,
    pulled_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO repository_pulled (repository_id, pulled_at)
SELECT m.repository_id, max(m.pulled_at) FROM manifest m WHERE m.pulled_at IS NOT NULL GROUP BY m.repository_id;

-- V18's index for those figures is no longer read
DROP INDEX manifest_figures;
