-- Teams (SPEC §8): a named set of extensions. The name is the key, so an operator edits
-- teams from a SQL client by name. A name is 1-64 characters, trimmed, no comma (the team
-- parameter is a comma-separated list) and no control character; compared exactly
-- (binary collation). npm run teams checks the same rules with a message per line; the
-- CHECK keeps a hand-typed INSERT to them too.
CREATE TABLE teams (
  name       VARCHAR(64) NOT NULL PRIMARY KEY,
  created_at TIMESTAMP   NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT ck_teams_name CHECK (
    CHAR_LENGTH(name) BETWEEN 1 AND 64
    AND name = TRIM(name)
    AND LOCATE(',', name) = 0
    AND name NOT REGEXP '[[:cntrl:]]'
  )
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
