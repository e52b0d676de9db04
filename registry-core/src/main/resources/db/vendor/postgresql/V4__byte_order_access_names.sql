-- Projects, users and robots are listed by name in pages: byte order, as repositories and tags (V2).
ALTER TABLE project ALTER COLUMN name TYPE VARCHAR(255) COLLATE "C";
ALTER TABLE user_account ALTER COLUMN username TYPE VARCHAR(64) COLLATE "C";
ALTER TABLE robot ALTER COLUMN name TYPE VARCHAR(255) COLLATE "C";
