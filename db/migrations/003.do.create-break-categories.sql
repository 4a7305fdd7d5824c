-- The fixed report categories of a not-available reason (SPEC §3) and their group.
-- agent_activity has one column per category; rules may only point at these.
CREATE TABLE break_categories (
  category  VARCHAR(32) NOT NULL PRIMARY KEY,
  grp       VARCHAR(32) NOT NULL,
  CONSTRAINT ck_break_categories_grp CHECK (grp IN ('login', 'logoff', 'dnd', 'productive', 'non-productive'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
