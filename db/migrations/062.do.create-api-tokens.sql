-- Bearer tokens kept in the database (SPEC §8), beside REPORT_API_TOKENS. Only the
-- SHA-256 of a token is stored; the token itself is printed once by npm run tokens -- add.
-- full_access = 1: every agent; 0: the teams in api_token_teams (none left: nothing).
-- A revoked token keeps its row (revoked_at set), so its name is not reused by mistake
-- and a server that still holds no token in REPORT_API_TOKENS keeps asking for one.
-- Times are UTC epoch seconds.
CREATE TABLE api_tokens (
  name         VARCHAR(64) NOT NULL PRIMARY KEY,
  token_sha256 BINARY(32)  NOT NULL,
  full_access  TINYINT(1)  NOT NULL,
  created_at   BIGINT      NOT NULL,
  last_used_at BIGINT      NULL,
  revoked_at   BIGINT      NULL,
  UNIQUE KEY ux_api_tokens_hash (token_sha256),
  CONSTRAINT ck_api_tokens_name CHECK (
    CHAR_LENGTH(name) BETWEEN 1 AND 64
    AND name = TRIM(name)
    AND LOCATE(',', name) = 0
    AND name NOT REGEXP '[[:cntrl:]]'
  )
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
