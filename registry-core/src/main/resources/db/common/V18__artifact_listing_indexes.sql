-- The artifact lists (console and /api/v1) of a repository with many manifests, without reading every one of them:
-- newest first along manifest_newest (a page reads only its own rows; a repository's last push is its first entry),
-- and a repository's indexes by manifest_media (their children are shown under them, not as artifacts of their own).
-- media_type leads so that "media_type IN (the two index types) AND repository_id = ?" is two lookups on H2 as well.
CREATE INDEX manifest_newest ON manifest (repository_id, pushed_at DESC, id DESC);
CREATE INDEX manifest_media ON manifest (media_type, repository_id);
-- A project's repositories by name: a page of them is read in order and stops at its end (1,000 repositories: 8 ms to 1 ms).
CREATE INDEX repository_project_name ON repository (project_id, name);
-- A repository's figures (manifest count, their size, last pull) from the index alone, not from every manifest row
-- (10,000 manifests: 9 ms to 2 ms on H2; an index-only scan on PostgreSQL). pulled_at is written in batches (PullTimes).
CREATE INDEX manifest_figures ON manifest (repository_id, size, pulled_at);
