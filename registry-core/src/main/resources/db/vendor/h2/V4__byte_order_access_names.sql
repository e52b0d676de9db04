-- H2 already orders VARCHAR by code point (see V2); this version keeps one migration history.
SELECT 1;
