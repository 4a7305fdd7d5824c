-- Who is in which team (SPEC §8): an extension in several teams or in none. Membership is
-- current: a report of a past range uses today's teams. ext as in agents and the report's
-- rows (binary), so the report joins it on the ext-first keys.
CREATE TABLE team_members (
  team VARCHAR(64) NOT NULL,
  ext  VARCHAR(32) NOT NULL,
  PRIMARY KEY (team, ext),
  KEY ix_team_members_ext (ext, team),
  CONSTRAINT fk_team_members_team FOREIGN KEY (team) REFERENCES teams (name) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT ck_team_members_ext CHECK (ext REGEXP '^[A-Za-z0-9._-]{1,32}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
