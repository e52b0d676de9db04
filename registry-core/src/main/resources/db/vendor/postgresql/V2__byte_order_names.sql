-- The distribution spec lists tags and repositories in lexical (byte) order; PostgreSQL's default
-- collation is linguistic, so names use the "C" collation. (H2 compares code points already.)
ALTER TABLE repository ALTER COLUMN name TYPE VARCHAR(255) COLLATE "C";
ALTER TABLE tag ALTER COLUMN name TYPE VARCHAR(128) COLLATE "C";
