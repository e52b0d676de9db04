-- The caps on open uploads (registry.uploads.limits.*) count a repository's and a principal's open
-- sessions at every upload start: both counts read an index, not the whole table. (The repository
-- index also serves the ON DELETE CASCADE from repository and GC's "no open upload" check.)
CREATE INDEX upload_session_repository ON upload_session (repository_id);
CREATE INDEX upload_session_started_by ON upload_session (started_by);
