-- The teams a scoped token sees (SPEC §8). A team renamed from a SQL client stays in the
-- scope (ON UPDATE CASCADE); a team deleted leaves it (npm run teams -- import refuses to
-- drop a team that a token not revoked is scoped to, and says which).
CREATE TABLE api_token_teams (
  token_name VARCHAR(64) NOT NULL,
  team       VARCHAR(64) NOT NULL,
  PRIMARY KEY (token_name, team),
  KEY ix_api_token_teams_team (team),
  CONSTRAINT fk_api_token_teams_token FOREIGN KEY (token_name) REFERENCES api_tokens (name) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_api_token_teams_team FOREIGN KEY (team) REFERENCES teams (name) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
